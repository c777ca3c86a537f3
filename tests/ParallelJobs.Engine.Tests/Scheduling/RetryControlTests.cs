using System.Diagnostics;
using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;

namespace ParallelJobs.Engine.Tests.Scheduling;

/// <summary>Retries only on chosen exit codes, and a delay between attempts that doubles (GNU parallel has neither).</summary>
public class RetryControlTests
{
    [Fact]
    public void OnlyTheChosenExitCodesAreRetried()
    {
        using var dir = new TempDir();
        string counter = dir.Combine("runs");
        var options = new RunOptions { ThrottleLimit = 2, Retries = 3, KeepOrder = true };
        options.RetryOnExitCodes.Add(75);
        var (results, _) = Run(options, new[]
        {
            // 75 (EX_TEMPFAIL) the first time, then success.
            Sh($"echo x >> '{counter}'; [ $(wc -l < '{counter}') -ge 2 ] || exit 75"),
            Sh("exit 1"),
        });
        Assert.Equal(CommandStatus.Succeeded, results[0].Status);
        Assert.Equal(2, results[0].Attempts);
        Assert.Equal(CommandStatus.Failed, results[1].Status);
        Assert.Equal(1, results[1].Attempts);
        Assert.Contains("Not retried: only exit codes 75 are.", results[1].Reason);
    }

    [Fact]
    public void TheDelayDoublesBetweenAttempts()
    {
        using var dir = new TempDir();
        string stamps = dir.Combine("stamps");
        var options = new RunOptions { ThrottleLimit = 1, Retries = 2, RetryDelay = TimeSpan.FromMilliseconds(300) };
        var (results, _) = Run(options, new[] { Sh($"date +%s%N >> '{stamps}'; exit 1") });
        Assert.Equal(3, results.Single().Attempts);
        var t = File.ReadAllLines(stamps).Select(l => long.Parse(l) / 1_000_000.0).ToArray();
        Assert.Equal(3, t.Length);
        // At least the delay (a lower bound: a slow machine only makes it longer).
        Assert.True(t[1] - t[0] >= 300, $"first wait {t[1] - t[0]} ms");
        Assert.True(t[2] - t[1] >= 600, $"second wait {t[2] - t[1]} ms");
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 2, 2)]
    [InlineData(1, 3, 4)]
    [InlineData(1, 20, 300)]
    [InlineData(600, 3, 600)]
    [InlineData(0, 3, 0)]
    public void BackOff(double delaySeconds, int retry, double expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), CommandExecution.RetryDelay(TimeSpan.FromSeconds(delaySeconds), retry));

    [Fact]
    public void TheWaitShowsInTheSlot_AndAStopEndsItAtOnce_WithTheFailedResult()
    {
        var options = new RunOptions { ThrottleLimit = 1, Retries = 1, RetryDelay = TimeSpan.FromSeconds(600) };
        using var run = new ParallelRun(options);
        run.Add(Sh("exit 4"));
        run.CompleteAdding();
        // No event marks the start of a wait: look at the slot until it says so (bounded).
        Assert.True(SpinWait.SpinUntil(() => run.GetSlots().FirstOrDefault()?.State == SlotActivity.Waiting, Hang), "the slot never showed Waiting");
        var slot = run.GetSlots()[0];
        Assert.Contains("retry 1 of 1 in 600 s", slot.WaitReason);
        Assert.Contains("Exited with code 4", slot.WaitReason);
        var clock = Stopwatch.StartNew();
        run.Cancel();
        var result = Drain(run).Results.Single();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the stop waited for the retry delay");
        Assert.Equal(CommandStatus.Failed, result.Status);
        Assert.Equal(4, result.ExitCode);
        Assert.Equal(1, result.Attempts);
        Assert.EndsWith("Not retried: the run was stopped.", result.Reason);
        Assert.Equal(SlotActivity.Idle, run.GetSlots()[0].State);
    }

    [Fact]
    public void RetryOptionsWithoutRetries_AreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new RunOptions { RetryDelay = TimeSpan.FromSeconds(1) }.Validate());
        Assert.Equal(nameof(RunOptions.RetryDelay), e.ParamName);
        var o = new RunOptions();
        o.RetryOnExitCodes.Add(3);
        Assert.Equal(nameof(RunOptions.RetryOnExitCodes), Assert.Throws<ArgumentException>(() => o.Validate()).ParamName);
    }
}
