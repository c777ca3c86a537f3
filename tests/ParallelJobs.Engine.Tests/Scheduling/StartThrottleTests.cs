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
        Run(options, Enumerable.Range(0, 4).Select(_ => Sh($"date +%s%N >> '{stamps}'")));
        var t = File.ReadAllLines(stamps).Select(l => long.Parse(l) / 1_000_000.0).OrderBy(x => x).ToArray();
        Assert.Equal(4, t.Length);
        // A lower bound: a slow machine only spaces them more.
        for (int i = 1; i < t.Length; i++) Assert.True(t[i] - t[i - 1] >= 240, $"starts {i - 1} and {i} were {t[i] - t[i - 1]} ms apart");
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
