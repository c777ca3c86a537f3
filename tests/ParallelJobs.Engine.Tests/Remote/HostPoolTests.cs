using ParallelJobs.Remote;

namespace ParallelJobs.Engine.Tests.Remote;

public class HostPoolTests
{
    private static readonly DateTime T0 = new(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static HostPool Pool(params (string Entry, int Slots)[] hosts) =>
        new(hosts.Select(h => new KeyValuePair<SshHost, int>(SshHost.Parse(h.Entry), h.Slots)));

    private static int Take(HostPool pool, HostState? avoid = null)
    {
        Assert.True(pool.TryTake(out int slot, avoid));
        return slot;
    }

    [Fact]
    public void SlotsAreNumberedAcrossTheRun_AndWithinEachHost()
    {
        var pool = Pool(("h1", 2), ("h2", 3), ("h3", 1));
        Assert.Equal(6, pool.TotalSlots);
        Assert.Equal(new[] { "h1", "h1", "h2", "h2", "h2", "h3" }, Enumerable.Range(0, 6).Select(s => pool.HostOfSlot(s).Host.Name));
        Assert.Equal(new[] { 0, 1, 0, 1, 2, 0 }, Enumerable.Range(0, 6).Select(pool.LocalSlot));
    }

    [Fact]
    public void CommandsSpreadOverTheHosts_MostFreeSlotsFirst()
    {
        var pool = Pool(("h1", 2), ("h2", 2), ("h3", 2));
        var hosts = Enumerable.Range(0, 6).Select(_ => pool.HostOfSlot(Take(pool)).Host.Name).ToList();
        Assert.Equal(new[] { "h1", "h2", "h3", "h1", "h2", "h3" }, hosts);
        Assert.False(pool.TryTake(out _));
        pool.Release(3); // h2's first slot
        Assert.Equal(3, Take(pool));
    }

    [Fact]
    public void AvoidedHost_IsUsedOnlyWhenNoOtherCanTakeTheCommand()
    {
        var pool = Pool(("h1", 2), ("h2", 1));
        var h1 = pool.Hosts[0];
        Assert.Equal("h2", pool.HostOfSlot(Take(pool, avoid: h1)).Host.Name);
        Assert.Equal("h1", pool.HostOfSlot(Take(pool, avoid: h1)).Host.Name);
    }

    [Fact]
    public void ADownHost_TakesNothing_IsCheckedAfterADoublingBackOff_AndRejoins()
    {
        var pool = Pool(("h1", 1), ("h2", 1));
        var h2 = pool.Hosts[1];
        pool.MarkDown(h2, "Connection refused", T0);
        Assert.Equal(T0.AddSeconds(1), h2.NextCheck);
        Assert.Equal("h1", pool.HostOfSlot(Take(pool)).Host.Name);
        Assert.False(pool.TryTake(out _));

        Assert.Empty(pool.DueForCheck(T0.AddSeconds(0.5)));
        Assert.Equal(new[] { h2 }, pool.DueForCheck(T0.AddSeconds(1)));
        pool.MarkDown(h2, "Connection refused", T0.AddSeconds(1));
        Assert.Equal(T0.AddSeconds(3), h2.NextCheck);
        pool.MarkDown(h2, "Connection refused", T0.AddSeconds(3));
        Assert.Equal(T0.AddSeconds(7), h2.NextCheck);
        Assert.False(pool.NoHostLeft);

        pool.MarkUp(h2);
        Assert.Null(h2.NextCheck);
        Assert.Equal("h2", pool.HostOfSlot(Take(pool)).Host.Name);
    }

    [Fact]
    public void BackOff_IsCappedAtAMinute()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), HostPool.BackOff(1));
        Assert.Equal(TimeSpan.FromSeconds(32), HostPool.BackOff(6));
        Assert.Equal(TimeSpan.FromSeconds(60), HostPool.BackOff(7));
        Assert.Equal(TimeSpan.FromSeconds(60), HostPool.BackOff(1000));
    }

    [Fact]
    public void WhileAnotherHostIsUp_ADownHostIsNeverGivenUp()
    {
        var pool = Pool(("h1", 1), ("h2", 1));
        var now = T0;
        for (int i = 0; i < 20; i++)
        {
            pool.MarkDown(pool.Hosts[1], "refused", now);
            Assert.NotNull(pool.Hosts[1].NextCheck);
            now = pool.Hosts[1].NextCheck!.Value;
        }
        Assert.False(pool.NoHostLeft);
    }

    [Fact]
    public void WhenEveryHostIsDown_ChecksComeSoon_AndAfterAFewFailuresNoHostIsLeft()
    {
        var pool = Pool(("h1", 1), ("h2", 1));
        var (h1, h2) = (pool.Hosts[0], pool.Hosts[1]);
        // h2 has been down a long time (a minute's back-off) when h1 goes down too.
        for (int i = 0; i < 8; i++) pool.MarkDown(h2, "refused", T0);
        Assert.Equal(T0.AddSeconds(60), h2.NextCheck);
        pool.MarkDown(h1, "timed out", T0);
        Assert.False(pool.AnyUp);
        Assert.True(h2.NextCheck <= T0.AddSeconds(4), "h2's check is brought forward");
        Assert.False(pool.NoHostLeft);

        var now = T0;
        int rounds = 0;
        while (!pool.NoHostLeft)
        {
            Assert.True(++rounds < 10, "never gave up");
            now = pool.NextCheck!.Value;
            Assert.True(now - T0 < TimeSpan.FromSeconds(30), "checks while no host is up come within seconds");
            foreach (var h in pool.DueForCheck(now)) pool.MarkDown(h, "still down: " + h.Host.Name, now);
        }
        Assert.Contains("h1: still down: h1", pool.Summary());
        Assert.Contains("h2: still down: h2", pool.Summary());
        Assert.False(pool.TryTake(out _));
    }

    [Fact]
    public void ReleasingAFreeSlot_IsAnError()
    {
        var pool = Pool(("h1", 1));
        Assert.Throws<InvalidOperationException>(() => pool.Release(0));
    }
}
