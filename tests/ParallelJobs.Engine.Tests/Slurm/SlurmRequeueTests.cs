using ParallelJobs.Slurm;

namespace ParallelJobs.Engine.Tests.Slurm;

/// <summary>Array tasks that Slurm requeues (scontrol requeue; a node failure with requeue works the same way).</summary>
public sealed class SlurmRequeueTests
{
    [Fact]
    public void ARequeuedTaskGivesEachOfItsCommandsExactlyOneResult()
    {
        string conf = SlurmTestCluster.Require();
        using var temp = new TempDir();
        // Two workers share six commands; the task running command 3 is requeued while that command runs, after
        // it has already finished at least one command of its own.
        using var run = SlurmRunTests.NewRun(conf, temp, throttle: 2);
        // Command 3's first attempt never ends by itself (for at most two minutes): only the requeue ends it, so
        // "it began and never ended" below holds at any load. It used to sleep 3 s like the others, and a CI-like run
        // under load 20 saw the start record read, and the requeue issued, after those 3 s: "end 3" was in its file.
        string began = temp.Combine("command-3-began");
        for (int i = 0; i < 6; i++)
            run.Add(i == 3
                ? $"echo begin 3 $PARALLELJOBS_SLURM_TASK; if [ ! -f '{began}' ]; then : >'{began}'; n=0; while [ $n -lt 120 ]; do sleep 1; n=$((n + 1)); done; fi; echo end 3"
                : $"echo begin {i} $PARALLELJOBS_SLURM_TASK; sleep 3; echo end {i}");
        run.CompleteAdding();

        string? requeued = null;
        var results = SlurmRunTests.Drain(run, onEvent: e =>
        {
            if (e.Kind == SlurmRunEventKind.CommandStarted && e.Index == 3 && requeued == null)
            {
                requeued = e.Start!.ClusterJobId;
                var r = SlurmTestCluster.Run(conf, "scontrol", "requeue", requeued!);
                Assert.True(r.ExitCode == 0, "scontrol requeue: " + r.Error);
            }
        });

        Assert.NotNull(requeued);
        // Exactly one result per command, all succeeded.
        Assert.Equal(Enumerable.Range(0, 6), results.Select(r => r.Result.Index).OrderBy(i => i));
        Assert.All(results, r => Assert.Equal(CommandStatus.Succeeded, r.Result.Status));
        var byIndex = results.ToDictionary(r => r.Result.Index);
        // The requeued command ran again, and its result is the second attempt's, with its own output only.
        var again = byIndex[3].Result;
        Assert.Equal(2, again.Attempts);
        Assert.Equal(2, again.Output.Length);
        Assert.StartsWith("begin 3 ", again.Output[0]);
        Assert.Equal("end 3", again.Output[1]);
        Assert.Contains(requeued!, Assert.Single(again.HostFailures));
        Assert.Contains("requeued", again.HostFailures[0]);
        Assert.EndsWith(".2.out", again.OutputPath);
        // The first attempt's files are its own: it began and never ended.
        string first = File.ReadAllText(Path.Combine(run.Directory.Path, "out", "3.1.out"));
        Assert.StartsWith("begin 3 " + requeued, first);
        Assert.DoesNotContain("end 3", first);
        // What the requeued task finished before the requeue counts as it was: one attempt.
        var before = results.Where(r => r.ClusterJobId == requeued && r.Result.Index != 3).ToList();
        Assert.NotEmpty(before);
        Assert.All(before, r => Assert.Equal(1, r.Result.Attempts));
        Assert.All(results.Where(r => r.Result.Index != 3), r => Assert.Equal(1, r.Result.Attempts));
        // Nothing of the run is left in Slurm, the requeued task (pending again) included; the last task may
        // still be ending for a moment after the last result.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<string> queue;
        while ((queue = SlurmRunTests.Queue(conf, run.JobName)).Count > 0 && DateTime.UtcNow < deadline)
        {
            Assert.All(queue, line => Assert.DoesNotContain("PENDING", line));
            Thread.Sleep(500);
        }
        Assert.Empty(queue);
    }
}
