using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;
using ParallelJobs.TestSupport;

namespace ParallelJobs.Engine.Tests.Scheduling;

public class ParallelRunTests
{
    [Fact]
    public void EveryInputGetsExactlyOneResult_WhateverHappens()
    {
        using var dir = new TempDir();
        var specs = new[]
        {
            Sh("echo ok"),
            Sh("echo bad >&2; exit 3"),
            Sh("sleep 30"),
            CommandSpec.Program(dir.Combine("no-such-program")),
            Sh("exit 0"),
        };
        var (results, _) = Run(new RunOptions { ThrottleLimit = 2, Timeout = TimeSpan.FromSeconds(1), GracePeriod = TimeSpan.FromMilliseconds(200) }, specs);

        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, results.Select(r => r.Index).OrderBy(i => i));
        var byIndex = results.ToDictionary(r => r.Index);
        Assert.Equal(CommandStatus.Succeeded, byIndex[0].Status);
        Assert.Equal(new[] { "ok" }, byIndex[0].Output);
        Assert.Equal(CommandStatus.Failed, byIndex[1].Status);
        Assert.Equal(3, byIndex[1].ExitCode);
        Assert.Equal(new[] { "bad" }, byIndex[1].Error);
        Assert.Equal(CommandStatus.TimedOut, byIndex[2].Status);
        Assert.Equal(CommandStatus.FailedToStart, byIndex[3].Status);
        Assert.Contains("no-such-program", byIndex[3].Reason);
        Assert.Null(byIndex[3].ExitCode);
        Assert.Equal(CommandStatus.Succeeded, byIndex[4].Status);
        Assert.All(results, r => Assert.Equal(1, r.Attempts == 0 ? 1 : r.Attempts));
    }

    [Fact]
    public void NeverTwoCommandsInOneSlot_AsSeenByTheCommandsThemselves()
    {
        using var dir = new TempDir();
        // mkdir is atomic: a second command entering a busy slot would fail to take the slot's lock.
        var rng = new Random(7);
        var specs = Enumerable.Range(0, 40).Select(i =>
            Sh($"mkdir \"{dir.Path}/lock-$PARALLELJOBS_SLOT\" || echo COLLISION; sleep 0.0{rng.Next(0, 5)}; rmdir \"{dir.Path}/lock-$PARALLELJOBS_SLOT\"; echo $PARALLELJOBS_SLOT $PARALLELJOBS_INDEX"));
        var (results, _) = Run(new RunOptions { ThrottleLimit = 3 }, specs);

        Assert.Equal(40, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal(CommandStatus.Succeeded, r.Status);
            Assert.DoesNotContain("COLLISION", r.Output);
            Assert.Equal($"{r.Slot} {r.Index}", r.Output.Single());
            Assert.InRange(r.Slot, 0, 2);
        });
        // In the engine's own records too: per slot, each command starts after the previous one ended.
        foreach (var slot in results.GroupBy(r => r.Slot))
        {
            var ordered = slot.OrderBy(r => r.StartTime).ToList();
            for (int i = 1; i < ordered.Count; i++) Assert.True(ordered[i].StartTime >= ordered[i - 1].EndTime);
        }
    }

    [Fact]
    public void FewerCommandsThanSlots_UseTheLowestSlots()
    {
        using var dir = new TempDir();
        string gate = dir.Combine("gate");
        // Each command waits for the gate, opened once all three have started, so none can end early and
        // hand its slot to the next (which would also be "lowest free", but not what this test is about).
        var specs = Enumerable.Range(0, 3).Select(_ => Sh($"while [ ! -f '{gate}' ]; do sleep 0.01; done"));
        int started = 0;
        var (results, _) = Run(new RunOptions { ThrottleLimit = 8 }, specs, (_, e) =>
        {
            if (e.Kind == RunEventKind.CommandStarted && ++started == 3) File.WriteAllText(gate, "");
        });
        Assert.Equal(new[] { 0, 1, 2 }, results.Select(r => r.Slot).OrderBy(s => s));
    }

    [Fact]
    public void FirstCommandsTakeSlotsInInputOrder_AndFreedSlotsTakeTheRest()
    {
        var (results, events) = Run(new RunOptions { ThrottleLimit = 4 }, Enumerable.Range(0, 12).Select(_ => Sh("sleep 0.1")));
        var started = events.Where(e => e.Kind == RunEventKind.CommandStarted).ToList();
        Assert.Equal(12, started.Count);
        foreach (var e in started.Where(e => e.Index < 4)) Assert.Equal(e.Index, e.Slot);
        Assert.Equal(12, results.Count);
        // How many each slot runs depends on timing; that all four serve and none is ever left out does not.
        Assert.Equal(new[] { 0, 1, 2, 3 }, results.Select(r => r.Slot).Distinct().OrderBy(s => s));
    }

    [Fact]
    public void AtMostThrottleLimitRunAtOnce()
    {
        using var dir = new TempDir();
        // Each command records how many are running when it starts, via a counter of marker files.
        var specs = Enumerable.Range(0, 16).Select(i =>
            Sh($"touch '{dir.Path}/run-{i}'; ls '{dir.Path}' | grep -c '^run-'; sleep 0.05; rm '{dir.Path}/run-{i}'"));
        var (results, _) = Run(new RunOptions { ThrottleLimit = 3 }, specs);
        Assert.All(results, r => Assert.InRange(int.Parse(r.Output.Single()), 1, 3));
    }

    [Fact]
    public void KeepOrder_EmitsResultsInInputOrder_EvenWhenLaterOnesFinishFirst()
    {
        var specs = new[] { Sh("sleep 0.6; echo 0"), Sh("sleep 0.4; echo 1"), Sh("sleep 0.2; echo 2"), Sh("echo 3") };
        var (results, _) = Run(new RunOptions { ThrottleLimit = 4, KeepOrder = true }, specs);
        Assert.Equal(new[] { 0, 1, 2, 3 }, results.Select(r => r.Index));
        Assert.Equal(new[] { "0", "1", "2", "3" }, results.Select(r => r.Output.Single()));
    }

    [Fact]
    public void StdinIsClosed_SoAReaderOfStdinEndsAtOnce()
    {
        var (results, _) = Run(new RunOptions { ThrottleLimit = 1 }, new[] { Sh("cat; echo done") });
        Assert.Equal(new[] { "done" }, results.Single().Output);
    }

    [Fact]
    public void FullStderrWhileStdoutIsIdle_DoesNotDeadlock()
    {
        var spec = Sh("head -c 3000000 /dev/zero >&2; head -c 2000000 /dev/zero; head -c 1000000 /dev/zero >&2");
        var (results, _) = Run(new RunOptions { ThrottleLimit = 1 }, new[] { spec });
        var r = results.Single();
        Assert.Equal(CommandStatus.Succeeded, r.Status);
        Assert.Equal(2000000, r.OutputBytes);
        Assert.Equal(4000000, r.ErrorBytes);
    }

    [Fact]
    public void WorkingDirectoryAndEnvironment_ReachTheCommand()
    {
        using var dir = new TempDir();
        var options = new RunOptions { ThrottleLimit = 1, WorkingDirectory = dir.Path };
        options.Environment["PJ_TEST_VALUE"] = "hello world";
        var (results, _) = Run(options, new[] { Sh("pwd; echo \"$PJ_TEST_VALUE\"") });
        Assert.Equal(new[] { dir.Path, "hello world" }, results.Single().Output);
    }

    [Fact]
    public void MissingWorkingDirectory_IsAFailedStartThatNamesIt()
    {
        var options = new RunOptions { ThrottleLimit = 1, WorkingDirectory = "/no/such/dir/pj" };
        var (results, _) = Run(options, new[] { Sh("true") });
        Assert.Equal(CommandStatus.FailedToStart, results.Single().Status);
        Assert.Contains("/no/such/dir/pj", results.Single().Reason);
    }

    [Fact]
    public void Retries_RunAFailingCommandAgain_AndCountAttempts()
    {
        using var dir = new TempDir();
        string counter = dir.Combine("n");
        // Fails on the first two attempts, succeeds on the third.
        var flaky = Sh($"echo x >> '{counter}'; test $(wc -l < '{counter}') -ge 3");
        var (results, _) = Run(new RunOptions { ThrottleLimit = 1, Retries = 5 }, new[] { flaky, Sh("exit 4") });
        var byIndex = results.ToDictionary(r => r.Index);
        Assert.Equal(CommandStatus.Succeeded, byIndex[0].Status);
        Assert.Equal(3, byIndex[0].Attempts);
        Assert.Equal(CommandStatus.Failed, byIndex[1].Status);
        Assert.Equal(6, byIndex[1].Attempts);
    }

    [Fact]
    public void OutputDirectoryThatCannotBeCreated_IsRejectedBeforeAnythingStarts()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.Combine("file"), "x");
        Assert.ThrowsAny<IOException>(() => new ParallelRun(new RunOptions { OutputDirectory = dir.Combine("file", "sub") }));
    }

    [Fact]
    public void ThrottleLimitBelowOne_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParallelRun(new RunOptions { ThrottleLimit = 0 }));
    }

    [Fact]
    public void EmptyCommand_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => CommandSpec.Shell("   "));
        Assert.Throws<ArgumentException>(() => CommandSpec.Program(""));
    }

    [Fact]
    public void EachCommandIsAnnouncedOnce_InIndexOrder_BeforeAnythingElseAboutIt()
    {
        // Many quick commands on several slots, so starts and results of early commands interleave with later adds.
        var specs = Enumerable.Range(0, 40).Select(i => Sh($"echo {i}")).ToList();
        var (results, events) = Run(new RunOptions { ThrottleLimit = 4 }, specs);
        var added = events.Where(e => e.Kind == RunEventKind.CommandAdded).ToList();
        Assert.Equal(Enumerable.Range(0, 40), added.Select(e => e.Index));
        Assert.Equal(specs.Select(s => s.DisplayText), added.Select(e => e.Command));
        for (int i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Kind == RunEventKind.CommandStarted || e.Kind == RunEventKind.CommandFinished)
                Assert.Contains(events.Take(i), a => a.Kind == RunEventKind.CommandAdded && a.Index == e.Index);
        }
        Assert.Equal(40, results.Count);
    }

    [Fact]
    public void ACommandAddedAfterCancel_IsAnnouncedThenCancelled()
    {
        using var run = new ParallelRun(new RunOptions { ThrottleLimit = 1 });
        run.Cancel();
        run.Add(Sh("echo never"));
        run.CompleteAdding();
        var (results, events) = Drain(run);
        Assert.Equal(new[] { RunEventKind.CommandAdded, RunEventKind.CommandFinished }, events.Select(e => e.Kind));
        Assert.Equal(CommandStatus.Cancelled, Assert.Single(results).Status);
        Assert.True(run.Events.IsDrained);
    }

    [Fact]
    public void ProgressCountsEverything()
    {
        using var run = new ParallelRun(new RunOptions { ThrottleLimit = 2 });
        run.Add(Sh("true"));
        run.Add(Sh("exit 1"));
        run.CompleteAdding();
        Drain(run);
        var p = run.GetProgress();
        Assert.Equal(2, p.Total);
        Assert.Equal(2, p.Completed);
        Assert.Equal(1, p.Failed);
        Assert.Equal(0, p.Running);
        Assert.True(p.InputComplete);
        Assert.Equal(100, p.PercentComplete);
        Assert.Equal(TimeSpan.Zero, p.EstimatedRemaining);
        Assert.Equal("commands", p.Unit);
    }

    [Fact]
    public void SlotsReportWhatTheyRun()
    {
        using var run = new ParallelRun(new RunOptions { ThrottleLimit = 2, GracePeriod = TimeSpan.FromMilliseconds(100) });
        ParallelSlot[]? seen = null;
        // Look at the slots once the command has printed its line, then stop it.
        run.LineReceived += line =>
        {
            seen = run.GetSlots();
            run.Cancel();
        };
        run.Add(Sh("echo first-line; sleep 30"));
        run.CompleteAdding();
        var (results, _) = Drain(run);
        Assert.NotNull(seen);
        Assert.Equal(SlotActivity.Busy, seen![0].State);
        Assert.Equal(0, seen[0].Index);
        Assert.Single(seen); // slot 1 was never needed, so it was never made
        Assert.Equal(SlotActivity.Idle, run.GetSlot(1)!.State);
        Assert.Null(run.GetSlot(1)!.Index);
        Assert.Null(run.GetSlot(2)); // outside the throttle limit
        Assert.Equal(CommandStatus.Cancelled, results.Single().Status);
        var after = run.GetSlots();
        Assert.Equal(SlotActivity.Idle, after[0].State);
        Assert.Equal("first-line", after[0].LastLine);
    }

    [Fact]
    public void AHugeThrottleLimit_AllocatesOnlyTheSlotsItUses()
    {
        // Slots are made as they are first needed: -ThrottleLimit [int]::MaxValue with 10 inputs is 10 commands at
        // once, not 2^31 slots' worth of memory.
        var specs = Enumerable.Range(0, 10).Select(i => Sh($"echo {i}")).ToList();
        long threadBefore = GC.GetAllocatedBytesForCurrentThread();
        long processBefore = GC.GetTotalAllocatedBytes(precise: true);
        using var run = new ParallelRun(new RunOptions { ThrottleLimit = int.MaxValue });
        foreach (var spec in specs) run.Add(spec);
        long onThisThread = GC.GetAllocatedBytesForCurrentThread() - threadBefore;
        run.CompleteAdding();
        var (results, _) = Drain(run);
        long inProcess = GC.GetTotalAllocatedBytes(precise: true) - processBefore;

        Assert.Equal(Enumerable.Range(0, 10), results.Select(r => r.Index).OrderBy(i => i));
        Assert.All(results, r => Assert.Equal(CommandStatus.Succeeded, r.Status));
        var slots = run.GetSlots();
        Assert.InRange(slots.Length, 1, 10);
        Assert.Equal(Enumerable.Range(0, slots.Length), slots.Select(s => s.Slot));
        Assert.Equal(10, slots.Sum(s => s.Completed));
        // Ten small commands cost well under a megabyte each; one array of 2^31 slots would be gigabytes.
        Assert.True(onThisThread < 16 << 20, $"{onThisThread:N0} bytes allocated on the adding thread");
        Assert.True(inProcess < 256 << 20, $"{inProcess:N0} bytes allocated in the process (other tests run meanwhile)");
    }
}
