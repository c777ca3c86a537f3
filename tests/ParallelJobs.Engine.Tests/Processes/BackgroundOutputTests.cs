using System.Diagnostics;
using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;

namespace ParallelJobs.Engine.Tests.Processes;

/// <summary>
/// A command that leaves a background process holding its stdout: its result comes once the command's
/// own process has exited and the drain period has passed, not when the background process ends.
/// </summary>
public class BackgroundOutputTests
{
    /// <summary>Far below the 600 s the background sleeps last: a result later than this waited for them.</summary>
    private static readonly TimeSpan NoWait = TimeSpan.FromSeconds(60);

    private static void LinuxOnly()
    {
        if (!File.Exists("/proc/self/stat")) Assert.Skip("finds the background processes through /proc: Linux only.");
    }

    private static CommandResult RunOne(RunOptions options, string command)
    {
        using var run = new ParallelRun(options);
        run.Add(Sh(command));
        run.CompleteAdding();
        var deadline = DateTime.UtcNow + NoWait;
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no result within {NoWait.TotalSeconds} s: the result waited for the background process of '{command}'");
            if (run.Events.TryTake(out var e, 200) && e!.Kind == RunEventKind.CommandFinished) return e.Result!;
        }
    }

    private static void Kill(int pid)
    {
        try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
    }

    [Theory]
    [InlineData("setsid sleep 600 & echo $!")] // a new session: outside the command's tree and process group
    [InlineData("sleep 600 & echo $!")]
    public void TheResultComes_WhileTheBackgroundProcessStillHoldsTheOutput(string command)
    {
        LinuxOnly();
        var r = RunOne(new RunOptions { ThrottleLimit = 1 }, command);
        int pid = int.Parse(r.Output.Single());
        try
        {
            Assert.True(IsAlive(pid), "the background sleep should still run when the result is seen");
            Assert.Equal(CommandStatus.Succeeded, r.Status);
            Assert.True(r.OutputLeftOpen);
            Assert.Contains(pid, r.BackgroundProcessIds);
        }
        finally
        {
            Kill(pid);
        }
    }

    [Fact]
    public void OutputWrittenWithinTheDrainPeriod_IsKept()
    {
        LinuxOnly();
        // A drain period far longer than the background writer needs: nothing here depends on timing.
        var options = new RunOptions { ThrottleLimit = 1, OutputDrainPeriod = TimeSpan.FromSeconds(30) };
        var r = RunOne(options, "(sleep 0.2; echo late) & echo early");
        Assert.Equal(new[] { "early", "late" }, r.Output);
        Assert.False(r.OutputLeftOpen);
        Assert.Empty(r.BackgroundProcessIds);
    }

    [Fact]
    public void EverythingWrittenBeforeTheDrainPeriodEnded_IsKept_HoweverLateTheReaderRuns()
    {
        LinuxOnly();
        // No drain period at all: the result is made as soon as the command's own process has exited,
        // typically before its output has been read. What the pipe holds by then must still be in the result.
        const int count = 8;
        using var run = new ParallelRun(new RunOptions { ThrottleLimit = count, OutputDrainPeriod = TimeSpan.Zero });
        for (int i = 0; i < count; i++)
            run.Add(Sh("setsid sleep 600 & echo $!; i=0; while [ $i -lt 300 ]; do echo \"line $i\"; i=$((i+1)); done"));
        run.CompleteAdding();
        var results = Drain(run).Results;
        try
        {
            Assert.All(results, r =>
            {
                Assert.True(r.OutputLeftOpen);
                Assert.Equal(301, r.Output.Length);
                Assert.Equal("line 299", r.Output[^1]);
            });
        }
        finally
        {
            var pids = results.SelectMany(r => r.BackgroundProcessIds)
                .Concat(results.Where(r => r.Output.Length > 0 && int.TryParse(r.Output[0], out _)).Select(r => int.Parse(r.Output[0])));
            foreach (var pid in pids.Distinct()) Kill(pid);
        }
    }

    [Fact]
    public void WithATimeOut_WhatTheCommandLeftRunning_IsStoppedWhenTheTimeOutComes()
    {
        LinuxOnly();
        var options = new RunOptions { ThrottleLimit = 1, Timeout = TimeSpan.FromSeconds(3), GracePeriod = TimeSpan.FromMilliseconds(200) };
        var r = RunOne(options, "setsid sleep 600 & echo $!");
        int pid = int.Parse(r.Output.Single());
        try
        {
            // The command itself ended in time; its leftover is stopped at the time-out, after the result.
            Assert.Equal(CommandStatus.Succeeded, r.Status);
            WaitForEnd(pid);
        }
        finally
        {
            Kill(pid);
        }
    }

    [Fact]
    public void StoppingTheRun_StopsWhatFinishedCommandsLeftRunning()
    {
        LinuxOnly();
        using var run = new ParallelRun(new RunOptions { ThrottleLimit = 2, GracePeriod = TimeSpan.FromMilliseconds(200) });
        run.Add(Sh("setsid sleep 600 & echo $!"));
        run.Add(Sh("sleep 600"));
        run.CompleteAdding();
        int pid = 0;
        var (results, _) = Drain(run, (r, e) =>
        {
            if (e.Kind != RunEventKind.CommandFinished || e.Result!.Index != 0) return;
            pid = int.Parse(e.Result.Output.Single());
            Assert.True(e.Result.OutputLeftOpen);
            r.Cancel();
        });
        try
        {
            Assert.Equal(CommandStatus.Cancelled, results.Single(r => r.Index == 1).Status);
            WaitForEnd(pid);
        }
        finally
        {
            Kill(pid);
        }
    }
}
