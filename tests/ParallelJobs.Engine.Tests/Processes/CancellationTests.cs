using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;

namespace ParallelJobs.Engine.Tests.Processes;

/// <summary>A command the run stops is Cancelled, whatever it does on the way out.</summary>
public class CancellationTests
{
    [Fact]
    public void CommandsThatExit130WhenStopped_AreCancelled_NotFailed()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("traps SIGTERM in sh: Unix only.");
        const int count = 8;
        using var run = new ParallelRun(new RunOptions { ThrottleLimit = count, GracePeriod = TimeSpan.FromSeconds(30) });
        int started = 0;
        run.LineReceived += _ =>
        {
            if (Interlocked.Increment(ref started) == count) run.Cancel();
        };
        // Each exits with 130, as a program that treats the stop like a Ctrl+C does, the moment the stop reaches it.
        for (int i = 0; i < count; i++) run.Add(Sh("trap 'exit 130' TERM; sleep 600 & echo started; wait"));
        run.CompleteAdding();
        var (results, _) = Drain(run);
        Assert.Equal(count, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal(CommandStatus.Cancelled, r.Status);
            Assert.Equal(130, r.ExitCode);
            Assert.Null(r.Signal);
        });
    }

    [Fact]
    public void ACommandCancelledWhileItsRetriesRun_IsNotStartedAgain()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("sh: Unix only.");
        using var dir = new TempDir();
        string counter = dir.Combine("n");
        using var run = new ParallelRun(new RunOptions { ThrottleLimit = 1, Retries = 1000, GracePeriod = TimeSpan.FromMilliseconds(200) });
        // Fails at once, again and again; the run is stopped after the third attempt has started.
        run.LineReceived += l =>
        {
            if (l.Line == "3") run.Cancel();
        };
        run.Add(Sh($"echo x >> '{counter}'; wc -l < '{counter}'; exit 1"));
        run.CompleteAdding();
        var r = Drain(run).Results.Single();
        Assert.InRange(File.ReadAllLines(counter).Length, 3, 4);
        // The attempt the stop met either was stopped (Cancelled) or had already failed by itself.
        if (r.Status == CommandStatus.Failed) Assert.EndsWith("Not retried: the run was stopped.", r.Reason);
        else Assert.Equal(CommandStatus.Cancelled, r.Status);
    }
}
