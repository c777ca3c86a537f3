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
    public void StoppingOneCommandLeavesTheOtherCommandsOfItsTaskRunning()
    {
        string conf = SlurmTestCluster.Require();
        using var temp = new TempDir();
        // One task at a time, taking the commands in turn: it runs 0, is told to stop it, and goes on with 1 and 3.
        using var run = SlurmRunTests.NewRun(conf, temp, throttle: 1, o => o.GracePeriod = TimeSpan.FromSeconds(2));
        run.Add("echo first; sleep 600");
        run.Add("sleep 2; echo second");
        run.Add("echo third");
        run.Add("echo fourth");
        run.CompleteAdding();

        string? task = null;
        List<string>? queueWhenStopped = null;
        var results = SlurmRunTests.Drain(run, onEvent: e =>
        {
            if (e.Kind == SlurmRunEventKind.CommandStarted && e.Index == 0)
            {
                task = e.Start!.ClusterJobId;
                Assert.True(run.CancelCommand(0));
                // No task has taken command 2 yet (the only one running is busy with 0): it never starts.
                Assert.True(run.CancelCommand(2));
            }
            if (e.Kind == SlurmRunEventKind.CommandFinished && e.Result!.Result.Index == 0)
                queueWhenStopped = SlurmRunTests.Queue(conf, run.JobName);
        }).ToDictionary(r => r.Result.Index);

        Assert.NotNull(task);
        var stopped = results[0];
        Assert.Equal(CommandStatus.Cancelled, stopped.Result.Status);
        Assert.Contains("Stop-Job", stopped.Result.Reason);
        Assert.Contains("while it ran", stopped.Result.Reason);
        Assert.Equal((task, (int?)15), (stopped.ClusterJobId, stopped.Signal));
        Assert.Equal(new[] { "first" }, stopped.Result.Output);
        Assert.Equal(CommandStatus.Cancelled, results[2].Result.Status);
        Assert.Contains("before a Slurm task took it", results[2].Result.Reason);
        // The task was not cancelled: Slurm still ran it when the stopped command's result came, and it ran the others.
        Assert.Contains(task + " RUNNING", queueWhenStopped!);
        Assert.Equal((CommandStatus.Succeeded, task), (results[1].Result.Status, results[1].ClusterJobId));
        Assert.Equal(new[] { "second" }, results[1].Result.Output);
        Assert.Equal((CommandStatus.Succeeded, task), (results[3].Result.Status, results[3].ClusterJobId));
        Assert.Single(run.ArrayJobIds);
        Assert.False(run.CancelCommand(1), "a command with its result cannot be stopped");
        Assert.DoesNotContain(System.Diagnostics.Process.GetProcessesByName("sleep"), p => CommandLineOf(p.Id).Contains("600") && EnvironOf(p.Id).Contains(run.JobName));
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
