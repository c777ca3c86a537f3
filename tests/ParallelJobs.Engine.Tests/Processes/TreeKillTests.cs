using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;

namespace ParallelJobs.Engine.Tests.Processes;

/// <summary>Time-outs and cancellation stop whole process trees: checked by PID afterwards.</summary>
public class TreeKillTests
{
    private static readonly RunOptions Fast = new() { ThrottleLimit = 2, GracePeriod = TimeSpan.FromMilliseconds(300) };

    private static int[] Pids(CommandResult r) => r.Output.Select(int.Parse).Append(r.ProcessId).ToArray();

    /// <summary>
    /// Runs one command that prints the PIDs of background sleeps, lets it time out after 1 s, and
    /// checks that neither it nor any PID it printed outlived the time-out.
    /// </summary>
    private static CommandResult TimesOutLeavingNoSurvivor(string command)
    {
        var options = new RunOptions { ThrottleLimit = 1, Timeout = TimeSpan.FromSeconds(1), GracePeriod = TimeSpan.FromMilliseconds(300) };
        var (results, _) = Run(options, new[] { Sh(command) });
        var r = results.Single();
        Assert.Equal(CommandStatus.TimedOut, r.Status);
        Assert.NotEmpty(r.Output);
        Assert.All(Pids(r), pid => Assert.False(IsAlive(pid), $"process {pid} outlived the time-out of '{command}'"));
        return r;
    }

    [Fact]
    public void TimeOut_KillsBackgroundChildrenToo()
    {
        // Prints the PIDs of two background sleeps, then waits on a third.
        var r = TimesOutLeavingNoSurvivor("sleep 600 & echo $!; sleep 600 & echo $!; sleep 600");
        Assert.Equal(2, r.Output.Length);
    }

    [Fact]
    public void TimeOut_FindsOrphansThatStillHoldTheOutputPipe() =>
        // The subshell exits at once, so its sleep is re-parented to init: only the pipe ties it to us.
        TimesOutLeavingNoSurvivor("(sleep 600 & echo $!); sleep 600");

    [Fact]
    public void TimeOut_AfterTheTopProcessExited_StillStopsTheBackgroundChildThatKeepsThePipeOpen()
    {
        // The command itself ends at once, so its result does not wait for the sleep (see
        // BackgroundOutputTests); the time-out still stops the sleep.
        var options = new RunOptions { ThrottleLimit = 1, Timeout = TimeSpan.FromSeconds(1), GracePeriod = TimeSpan.FromMilliseconds(300) };
        var r = Run(options, new[] { Sh("sleep 600 & echo $!") }).Results.Single();
        Assert.Equal(CommandStatus.Succeeded, r.Status);
        WaitForEnd(int.Parse(r.Output.Single()));
    }

    [Fact]
    public void TermIsIgnored_SoTheKillFollowsAfterTheGracePeriod() =>
        TimesOutLeavingNoSurvivor("trap '' TERM; sleep 600 & echo $!; sleep 600");

    [Fact]
    public void Cancel_StopsRunningTrees_AndCancelsWaitingCommands_OneResultEach()
    {
        using var run = new ParallelRun(Fast);
        int lines = 0;
        // Attached before the first Add: commands start at once, and a line read before the
        // handler existed would never be counted.
        run.LineReceived += _ =>
        {
            // Both running commands have printed their background PID: stop everything.
            if (Interlocked.Increment(ref lines) == 2) run.Cancel();
        };
        for (int i = 0; i < 10; i++) run.Add(Sh("sleep 600 & echo $!; sleep 600"));
        run.CompleteAdding();
        var (results, _) = Drain(run);

        Assert.Equal(Enumerable.Range(0, 10), results.Select(r => r.Index).OrderBy(i => i));
        Assert.All(results, r => Assert.Equal(CommandStatus.Cancelled, r.Status));
        var ran = results.Where(r => r.ProcessId != 0).ToList();
        Assert.Equal(2, ran.Count);
        Assert.All(ran, r => Assert.All(Pids(r), pid => Assert.False(IsAlive(pid), $"process {pid} outlived the cancellation")));
        Assert.All(results.Where(r => r.ProcessId == 0), r => Assert.Equal(-1, r.Slot));
    }

    [Fact]
    public void AddAfterCancel_GivesACancelledResult()
    {
        using var run = new ParallelRun(Fast);
        run.Cancel();
        run.Add(Sh("echo never"));
        run.CompleteAdding();
        var (results, _) = Drain(run);
        Assert.Equal(CommandStatus.Cancelled, results.Single().Status);
        Assert.Empty(results.Single().Output);
    }
}
