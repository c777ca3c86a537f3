using ParallelJobs.Runs;

namespace ParallelJobs.Engine.Tests.Runs;

public class RunEventChannelTests
{
    [Fact]
    public void Drain_UntilDrained_HandsEveryEventInOrder_FromManyThreads_ThenReturns()
    {
        var channel = new RunEventChannel<string>();
        var producers = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            for (int i = 0; i < 1000; i++) channel.Post($"{t}:{i}");
        })).ToList();
        producers.ForEach(p => p.Start());
        var closer = new Thread(() =>
        {
            producers.ForEach(p => p.Join());
            channel.Complete();
        });
        closer.Start();

        var taken = new List<string>();
        channel.Drain(taken.Add, untilDrained: true, TestContext.Current.CancellationToken);

        Assert.True(channel.IsDrained);
        Assert.Equal(4000, taken.Count);
        // Each producer's events come in the order it posted them.
        for (int t = 0; t < 4; t++)
        {
            var mine = taken.Where(e => e.StartsWith($"{t}:", StringComparison.Ordinal)).Select(e => int.Parse(e.Substring(2))).ToList();
            Assert.Equal(Enumerable.Range(0, 1000), mine);
        }
    }

    [Fact]
    public void Drain_NotUntilDrained_TakesWhatWaits_AndReturnsWithoutWaiting()
    {
        var channel = new RunEventChannel<string>();
        channel.Post("a");
        channel.Post("b");
        var taken = new List<string>();
        channel.Drain(taken.Add, untilDrained: false, TestContext.Current.CancellationToken);
        Assert.Equal(new[] { "a", "b" }, taken);
        Assert.False(channel.IsCompleted);
        Assert.False(channel.IsDrained);
    }

    [Fact]
    public void AfterComplete_LateEventsAreDropped_AndTheRestIsStillTaken()
    {
        var channel = new RunEventChannel<string>();
        channel.Post("last");
        channel.Complete();
        channel.Complete();
        channel.Post("late");
        Assert.True(channel.IsCompleted);
        Assert.False(channel.IsDrained);
        Assert.True(channel.TryTake(out var e, 0, TestContext.Current.CancellationToken));
        Assert.Equal("last", e);
        Assert.False(channel.TryTake(out _, Timeout.Infinite, TestContext.Current.CancellationToken));
        Assert.True(channel.IsDrained);
    }

    [Fact]
    public void Drain_PollsWhileWaiting_AndStopsWhenCancelled()
    {
        var channel = new RunEventChannel<string>();
        using var stop = new CancellationTokenSource();
        int polls = 0;
        // Nothing is ever posted: only the token ends the wait; the poll runs meanwhile (a cmdlet's progress).
        Assert.Throws<OperationCanceledException>(() => channel.Drain(_ => { }, untilDrained: true, stop.Token, () =>
        {
            if (++polls == 3) stop.Cancel();
        }, pollInterval: 10));
        Assert.Equal(3, polls);
    }

    [Fact]
    public void Drain_WakesOnCancellation_WithoutPoll()
    {
        var channel = new RunEventChannel<string>();
        using var stop = new CancellationTokenSource();
        var waiting = new Thread(() => Assert.Throws<OperationCanceledException>(() => channel.Drain(_ => { }, untilDrained: true, stop.Token)));
        waiting.Start();
        stop.Cancel();
        Assert.True(waiting.Join(TimeSpan.FromSeconds(30)), "Drain did not return after the token was cancelled");
    }
}
