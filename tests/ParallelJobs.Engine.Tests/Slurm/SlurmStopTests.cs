using ParallelJobs.Slurm;

namespace ParallelJobs.Engine.Tests.Slurm;

/// <summary>Tasks cancelled from outside (scancel), and a run stopped by its owner.</summary>
public sealed class SlurmStopTests
{
    [Fact]
    public void ATaskCancelledWithScancelEndsItsCommandAsCancelledAndTheRestStillRun()
    {
        string conf = SlurmTestCluster.Require();
        using var temp = new TempDir();
        // One command per task, so cancelling the task ends exactly one command.
        using var run = SlurmRunTests.NewRun(conf, temp, throttle: 2, o => o.TaskBudget = TimeSpan.Zero);
        run.Add("sleep 600");
        run.Add("sleep 1; echo second");
        run.Add("echo third");
        run.CompleteAdding();

        string? cancelled = null;
        var results = SlurmRunTests.Drain(run, onEvent: e =>
        {
            if (e.Kind == SlurmRunEventKind.CommandStarted && e.Index == 0)
            {
                cancelled = e.Start!.ClusterJobId;
                var scancel = SlurmTestCluster.Run(conf, "scancel", cancelled!);
                Assert.Equal(0, scancel.ExitCode);
            }
        }).ToDictionary(r => r.Result.Index);

        Assert.NotNull(cancelled);
        Assert.Equal(CommandStatus.Cancelled, results[0].Result.Status);
        Assert.Contains("CANCELLED", results[0].Result.Reason);
        Assert.Equal(cancelled, results[0].ClusterJobId);
        Assert.Equal(CommandStatus.Succeeded, results[1].Result.Status);
        Assert.Equal(new[] { "second" }, results[1].Result.Output);
        Assert.Equal(CommandStatus.Succeeded, results[2].Result.Status);
    }

    [Fact]
    public void StoppingTheRunCancelsEveryTaskAndLeavesNothingInTheQueue()
    {
        string conf = SlurmTestCluster.Require();
        using var temp = new TempDir();
        using var run = SlurmRunTests.NewRun(conf, temp, throttle: 2);
        for (int i = 0; i < 6; i++) run.Add("echo running " + i + "; sleep 600");
        run.CompleteAdding();

        // Stopped once a command runs (the cluster has 2 CPUs, but another test may hold one of them).
        var results = SlurmRunTests.Drain(run, onEvent: e =>
        {
            if (e.Kind == SlurmRunEventKind.CommandStarted) run.Cancel();
        });

        Assert.Equal(6, results.Count);
        Assert.All(results, r => Assert.Equal(CommandStatus.Cancelled, r.Result.Status));
        var ran = results.Where(r => r.Result.Reason!.Contains("while the command ran")).ToList();
        Assert.InRange(ran.Count, 1, 2);
        Assert.All(ran, r =>
        {
            Assert.Equal(new[] { "running " + r.Result.Index }, r.Result.Output);
            Assert.Equal("pjnode", r.Result.ComputerName);
        });
        Assert.Equal(6 - ran.Count, results.Count(r => r.Result.Reason!.Contains("before the command started")));
        // The run's tasks, pending and running, are gone once the run has completed.
        Assert.Empty(SlurmRunTests.Queue(conf, run.JobName));
        Assert.DoesNotContain(System.Diagnostics.Process.GetProcessesByName("sleep"), p => CommandLineOf(p.Id).Contains("600") && EnvironOf(p.Id).Contains(run.JobName));
    }

    private static string CommandLineOf(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '); } catch (IOException) { return ""; }
    }

    private static string EnvironOf(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/environ"); } catch (IOException) { return ""; } catch (UnauthorizedAccessException) { return ""; }
    }
}
