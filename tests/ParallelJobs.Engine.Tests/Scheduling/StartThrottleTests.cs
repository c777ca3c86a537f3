using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;

namespace ParallelJobs.Engine.Tests.Scheduling;

/// <summary>Starts spaced (GNU parallel's --delay) and held back while free memory is low (--memfree).</summary>
public class StartThrottleTests
{
    [Fact]
    public void StartsAreAtLeastTheDelayApart_WhateverTheSlots()
    {
        using var dir = new TempDir();
        string stamps = dir.Combine("stamps");
        var options = new RunOptions { ThrottleLimit = 4, StartDelay = TimeSpan.FromMilliseconds(250) };
        double before = (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
        Run(options, Enumerable.Range(0, 4).Select(_ => Sh($"date +%s%N >> '{stamps}'")));
        var t = File.ReadAllLines(stamps).Select(l => long.Parse(l) / 1_000_000.0).OrderBy(x => x).ToArray();
        Assert.Equal(4, t.Length);
        // Each command stamps the clock some time after the run decided to start it, and that delay varies with
        // the machine's load (a clean-clone CI run saw two stamps 238 ms apart for starts 250 ms apart). What holds
        // whatever the load: the k-th start came at least k delays after the run began, so its stamp did too.
        for (int k = 1; k < t.Length; k++)
            Assert.True(t[k] - before >= k * 250, $"start {k} was {t[k] - before} ms after the run began, less than {k} × 250 ms");
    }

    [Fact]
    public void LowFreeMemory_HoldsStartsBack_ShownInTheSlot_UntilMemoryIsFree()
    {
        long free = 100L << 20;
        var options = new RunOptions { ThrottleLimit = 2, MemoryFree = 1L << 30, FreeMemoryProbe = () => Interlocked.Read(ref free) };
        using var run = new ParallelRun(options);
        run.Add(Sh("echo ran"));
        run.CompleteAdding();
        var slot = Assert.Single(run.GetSlots());
        Assert.Equal(SlotActivity.Waiting, slot.State);
        Assert.Equal("free memory 100 MB is below -MemoryFree 1024 MB (checked every second)", slot.WaitReason);
        Assert.False(run.IsCompleted);
        Interlocked.Exchange(ref free, 2L << 30);
        var result = Drain(run).Results.Single();
        Assert.Equal(CommandStatus.Succeeded, result.Status);
        Assert.Equal(SlotActivity.Idle, run.GetSlots()[0].State);
    }

    [Fact]
    public void AStopWhileStartsWait_EndsTheWaitingCommandsAsCancelled()
    {
        var options = new RunOptions { ThrottleLimit = 1, MemoryFree = 1L << 30, FreeMemoryProbe = () => 1 };
        using var run = new ParallelRun(options);
        run.Add(Sh("echo never"));
        run.CompleteAdding();
        run.Cancel();
        Assert.Equal(CommandStatus.Cancelled, Drain(run).Results.Single().Status);
    }
}
