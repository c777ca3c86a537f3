using ParallelJobs.Runs;

namespace ParallelJobs.Engine.Tests.Runs;

public class RunProgressTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void TimeLeft_EarlyInARun_ComesFromFinishedDurationsAndSlots_NotFromTheRateSinceTheStart()
    {
        // 40 commands of 0.5 s on 4 slots, 1.75 s in (start-up included): 8 done, 4 running for 0.25 s, 28 waiting.
        // What is left: 28 × 0.5 s + 4 × 0.25 s of work on 4 slots = 3.75 s. The rate since the start said 7 s.
        var running = new[] { S(0.25), S(0.25), S(0.25), S(0.25) };
        var left = RunProgress.FromDurations(8, S(4.0), running, waiting: 28, slots: 4);
        var progress = new RunProgress("commands", 40, 8, 4, 0, true, S(1.75), estimatedRemaining: left);
        Assert.Equal(3.75, progress.EstimatedRemaining!.Value.TotalSeconds, 3);
        Assert.Equal(7.0, new RunProgress("commands", 40, 8, 4, 0, true, S(1.75)).EstimatedRemaining!.Value.TotalSeconds, 3);
    }

    [Fact]
    public void TimeLeft_ShareIsBySlotsTheRemainingCommandsCanUse_AndNeverBelowTheLongestRunningOne()
    {
        // 2 waiting of 2 s each with 8 slots: they run side by side, so about 2 s, not 4/8 s.
        Assert.Equal(2.0, RunProgress.FromDurations(3, S(6), Array.Empty<TimeSpan>(), waiting: 2, slots: 8)!.Value.TotalSeconds, 3);
        // Nothing waiting, one command 0.5 s into a mean of 2 s: 1.5 s left.
        Assert.Equal(1.5, RunProgress.FromDurations(3, S(6), new[] { S(0.5), S(1.9) }, waiting: 0, slots: 8)!.Value.TotalSeconds, 3);
        // A command running longer than the mean counts as about to end.
        Assert.Equal(0.0, RunProgress.FromDurations(3, S(6), new[] { S(9) }, waiting: 0, slots: 8)!.Value.TotalSeconds, 3);
    }

    [Fact]
    public void TimeLeft_IsUnknownUntilACommandThatRanHasFinished_AndZeroWhenAllAreDone()
    {
        Assert.Null(RunProgress.FromDurations(0, TimeSpan.Zero, new[] { S(1) }, waiting: 5, slots: 2));
        Assert.Null(new RunProgress("commands", 10, 0, 2, 0, true, S(3), estimatedRemaining: null).EstimatedRemaining);
        Assert.Equal(TimeSpan.Zero, new RunProgress("commands", 4, 4, 0, 0, true, S(3), estimatedRemaining: S(2)).EstimatedRemaining);
    }
}
