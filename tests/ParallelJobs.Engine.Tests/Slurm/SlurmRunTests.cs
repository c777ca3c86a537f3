using System.Globalization;
using ParallelJobs.Slurm;

namespace ParallelJobs.Engine.Tests.Slurm;

/// <summary>
/// Slurm runs against the real single-node cluster of tests/infra/slurm-cluster.sh (2 CPUs, so at most two
/// tasks run at once there anyway; the throttle test therefore uses a limit of 1 as well as 2).
/// </summary>
public sealed class SlurmRunTests
{
    [Fact]
    public void MixedExitCodesComeBackWithOutputNodeAndTaskIds()
    {
        string conf = SlurmTestCluster.Require();
        using var temp = new TempDir();
        using var run = NewRun(conf, temp, throttle: 2);
        string[] commands = { "echo hello; echo oops >&2", "exit 3", "kill -9 $$", "printf 'a\\nb\\n'; exit 0", "exit 255" };
        foreach (var c in commands) run.Add(c);
        run.CompleteAdding();

        var results = Drain(run);

        Assert.Equal(commands.Length, results.Count);
        Assert.Equal(Enumerable.Range(0, commands.Length), results.Select(r => r.Result.Index).OrderBy(i => i));
        var byIndex = results.ToDictionary(r => r.Result.Index);
        Assert.Equal(CommandStatus.Succeeded, byIndex[0].Result.Status);
        Assert.Equal(new[] { "hello" }, byIndex[0].Result.Output);
        Assert.Equal(new[] { "oops" }, byIndex[0].Result.Error);
        Assert.Equal((CommandStatus.Failed, (int?)3), (byIndex[1].Result.Status, byIndex[1].Result.ExitCode));
        Assert.Equal((CommandStatus.Failed, (int?)137, (int?)9), (byIndex[2].Result.Status, byIndex[2].Result.ExitCode, byIndex[2].Signal));
        Assert.Contains("signal 9", byIndex[2].Result.Reason);
        Assert.Equal(new[] { "a", "b" }, byIndex[3].Result.Output);
        Assert.Equal((CommandStatus.Failed, (int?)255), (byIndex[4].Result.Status, byIndex[4].Result.ExitCode));
        string arrayId = Assert.Single(run.ArrayJobIds);
        Assert.All(results, r =>
        {
            Assert.Equal("pjnode", r.Result.ComputerName);
            Assert.Matches("^" + arrayId + "_[0-9]+$", r.ClusterJobId);
            Assert.True(r.Result.ProcessId > 0);
            Assert.True(r.Result.StartTime <= r.Result.EndTime);
            Assert.Equal(1, r.Result.Attempts);
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void FiftyCommandsNeverRunMoreThanTheThrottleAtOnce(int throttle)
    {
        string conf = SlurmTestCluster.Require();
        using var temp = new TempDir();
        // A budget of 1 s: tasks end and new ones start all through the run, so the throttle is really exercised.
        using var run = NewRun(conf, temp, throttle, o => o.TaskBudget = TimeSpan.FromSeconds(1));
        for (int i = 0; i < 50; i++) run.Add("sleep 0.1");
        run.CompleteAdding();

        var results = Drain(run);

        Assert.Equal(50, results.Count);
        Assert.All(results, r => Assert.Equal(CommandStatus.Succeeded, r.Result.Status));
        // From the tasks' own start and end times: the most commands running at any instant.
        var edges = results.SelectMany(r => new[] { (Time: r.Result.StartTime!.Value, Step: 1), (Time: r.Result.EndTime!.Value, Step: -1) })
                           .OrderBy(e => e.Time).ThenBy(e => e.Step);
        int running = 0, most = 0;
        foreach (var e in edges) most = Math.Max(most, running += e.Step);
        Assert.InRange(most, 1, throttle);
        // And the tasks themselves (each ran several commands in sequence): never more than the throttle at once.
        var tasks = results.GroupBy(r => r.ClusterJobId).Select(g => (Start: g.Min(r => r.Result.StartTime!.Value), End: g.Max(r => r.Result.EndTime!.Value)));
        var taskEdges = tasks.SelectMany(t => new[] { (Time: t.Start, Step: 1), (Time: t.End, Step: -1) }).OrderBy(e => e.Time).ThenBy(e => e.Step);
        running = most = 0;
        foreach (var e in taskEdges) most = Math.Max(most, running += e.Step);
        Assert.InRange(most, 1, throttle);
        Assert.True(tasks.Count() > throttle, "the run should have used more tasks than the throttle, to test it");
    }

    [Fact]
    public void AFailedCommandIsRetriedInALaterArrayWhenRetriesAreAllowed()
    {
        string conf = SlurmTestCluster.Require();
        using var temp = new TempDir();
        using var run = NewRun(conf, temp, throttle: 2, o => o.Retries = 1);
        string marker = temp.Combine("tried-once");
        run.Add($"if [ -f {marker} ]; then echo second; else touch {marker}; exit 7; fi");
        run.Add("exit 4");
        run.CompleteAdding();

        var results = Drain(run).ToDictionary(r => r.Result.Index);

        Assert.Equal((CommandStatus.Succeeded, 2), (results[0].Result.Status, results[0].Result.Attempts));
        Assert.Equal(new[] { "second" }, results[0].Result.Output);
        Assert.Equal((CommandStatus.Failed, 2, (int?)4), (results[1].Result.Status, results[1].Result.Attempts, results[1].Result.ExitCode));
        // A retry is a new item that any live task may take: a task of the first array still running the other
        // command, or the array submitted for the retry. So each second attempt ran in one of the run's arrays,
        // and the run submitted one or two arrays for retries (one when both failures were read in the same poll
        // of the run directory), never more. "second" above shows attempt 2 ran after attempt 1 had ended.
        var arrays = run.ArrayJobIds;
        Assert.InRange(arrays.Count, 2, 3);
        foreach (var r in results.Values)
            Assert.Contains(r.ClusterJobId!.Split('_')[0], arrays);
        // Each attempt has its own result record; the delivered second attempt started once the first had ended.
        foreach (var r in results.Values)
        {
            var first = run.Directory.ReadResult(SlurmRunDirectory.Item(r.Result.Index, 1));
            Assert.NotNull(first);
            Assert.True(r.Result.StartTime >= first!.EndTime, $"attempt 2 of command {r.Result.Index} started before attempt 1 ended");
        }
    }

    [Fact]
    public void ABatchSbatchRefusesEndsAsFailedToStartWithSbatchsMessage()
    {
        string conf = SlurmTestCluster.Require();
        using var temp = new TempDir();
        using var run = NewRun(conf, temp, throttle: 2, o => o.SlurmOptions.Add("--partition=no-such-partition"));
        run.Add("true");
        run.Add("true");
        run.CompleteAdding();

        var results = Drain(run, seconds: 60);

        Assert.Equal(2, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal(CommandStatus.FailedToStart, r.Result.Status);
            Assert.Contains("sbatch", r.Result.Reason);
            Assert.Contains("partition", r.Result.Reason, StringComparison.OrdinalIgnoreCase);
        });
        Assert.Empty(run.ArrayJobIds);
    }

    internal static SlurmRun NewRun(string conf, TempDir temp, int throttle, Action<SlurmRunOptions>? configure = null)
    {
        var options = new SlurmRunOptions
        {
            ThrottleLimit = throttle,
            RunDirectory = temp.Combine("slurm-run"),
            WorkingDirectory = temp.Path,
            FilePollInterval = TimeSpan.FromMilliseconds(200),
            SlurmPollInterval = TimeSpan.FromSeconds(1),
            RecordGrace = TimeSpan.FromSeconds(1),
            BatchDelay = TimeSpan.FromMilliseconds(200),
            MinSubmitInterval = TimeSpan.FromSeconds(1),
            Linger = TimeSpan.FromSeconds(2),
        };
        options.ClientEnvironment["SLURM_CONF"] = conf;
        configure?.Invoke(options);
        return new SlurmRun(options);
    }

    /// <summary>Every result of the run, until it completes (at most the given time).</summary>
    internal static List<SlurmCommandResult> Drain(SlurmRun run, int seconds = 240, Action<SlurmRunEvent>? onEvent = null)
    {
        var results = new List<SlurmCommandResult>();
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (!run.TryTake(out var e, 500)) continue;
            onEvent?.Invoke(e!);
            if (e!.Kind == SlurmRunEventKind.CommandFinished) results.Add(e.Result!);
            if (e.Kind == SlurmRunEventKind.RunCompleted) return results;
        }
        Assert.Fail($"the Slurm run did not complete within {seconds} s ({results.Count} results; last problem: {run.LastProblem})");
        return results;
    }

    internal static List<string> Queue(string conf, string jobName)
    {
        var q = SlurmTestCluster.Run(conf, "squeue", "-h", "-r", "--name=" + jobName, "-o", "%i %T");
        Assert.Equal(0, q.ExitCode);
        return q.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
