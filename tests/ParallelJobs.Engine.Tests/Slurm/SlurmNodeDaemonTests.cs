using System.Diagnostics;
using ParallelJobs.Slurm;

namespace ParallelJobs.Engine.Tests.Slurm;

/// <summary>Runs alone: it stops the test cluster's slurmd, which other Slurm tests would feel.</summary>
[CollectionDefinition(nameof(SlurmNodeDaemonGroup), DisableParallelization = true)]
public sealed class SlurmNodeDaemonGroup
{
}

/// <summary>slurmd stopped and started again while a run's tasks run: the tasks survive and every result arrives.</summary>
[Collection(nameof(SlurmNodeDaemonGroup))]
public sealed class SlurmNodeDaemonTests
{
    [Fact]
    public void ARunSurvivesItsNodeDaemonStoppedAndStartedAgain()
    {
        string conf = SlurmTestCluster.Require();
        string script = Path.Combine(RepositoryPaths.Root, "tests", "infra", "slurm-cluster.sh");
        using var temp = new TempDir();
        using var run = SlurmRunTests.NewRun(conf, temp, throttle: 2);
        // The commands wait for a gate the test opens only once slurmd is down, so a command ends while it is
        // down whatever the machine's load (they used to sleep 1 s and could all end before the stop began).
        string gate = temp.Combine("gate");
        for (int i = 0; i < 6; i++) run.Add($"while [ ! -e '{gate}' ]; do sleep 0.05; done; echo done {i}");
        run.CompleteAdding();

        bool stopped = false;
        DateTime stoppedAt = default, startedAt = default;
        try
        {
            var results = SlurmRunTests.Drain(run, onEvent: e =>
            {
                if (e.Kind != SlurmRunEventKind.CommandStarted || stopped) return;
                int slurmd = int.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(conf)!, "slurmd.pid")).Trim());
                stopped = true;
                Cluster(script, conf, "stop-slurmd");
                stoppedAt = DateTime.Now;
                Assert.False(File.Exists($"/proc/{slurmd}/stat"), "slurmd still runs");
                // The tasks run on under slurmstepd meanwhile, and write their records: open the gate and wait
                // for the first result record a task writes (atomically, by rename) before slurmd comes back.
                File.WriteAllText(gate, "");
                string records = Path.Combine(temp.Combine("slurm-run"), "result");
                var deadline = DateTime.UtcNow.AddSeconds(120);
                while (!(Directory.Exists(records) && Directory.EnumerateFiles(records).Any(f => !Path.GetFileName(f).StartsWith('.'))))
                {
                    Assert.True(DateTime.UtcNow < deadline, "no task wrote a result while slurmd was stopped");
                    Thread.Sleep(50);
                }
                startedAt = DateTime.Now;
                Cluster(script, conf, "start-slurmd");
            });

            Assert.True(stopped);
            Assert.True(results.Any(r => r.Result.EndTime > stoppedAt && r.Result.EndTime < startedAt),
                $"no command ended while slurmd was stopped ({stoppedAt:HH:mm:ss.fff} to {startedAt:HH:mm:ss.fff}); ends: "
                + string.Join(", ", results.Select(r => $"{r.Result.Index}: {r.Result.StartTime:HH:mm:ss.fff}-{r.Result.EndTime:HH:mm:ss.fff}")));
            Assert.Equal(6, results.Count);
            Assert.All(results, r =>
            {
                Assert.Equal(CommandStatus.Succeeded, r.Result.Status);
                Assert.Equal(new[] { "done " + r.Result.Index }, r.Result.Output);
            });
        }
        finally
        {
            if (stopped) Cluster(script, conf, "start-slurmd");
        }
    }

    private static void Cluster(string script, string conf, string command)
    {
        var psi = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(command);
        psi.Environment["PARALLELJOBS_SLURM_STATE"] = Path.GetDirectoryName(conf)!;
        using var p = Process.Start(psi)!;
        string error = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), $"slurm-cluster.sh {command} did not end");
        Assert.True(p.ExitCode == 0, $"slurm-cluster.sh {command} failed: {error}");
    }
}
