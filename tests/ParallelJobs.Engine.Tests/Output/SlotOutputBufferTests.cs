using ParallelJobs.Output;
using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;

namespace ParallelJobs.Engine.Tests.Output;

public class SlotOutputBufferTests
{
    private static SlotOutputLine Line(int slot, int index, string text, StreamKind stream = StreamKind.Output) =>
        new SlotOutputLine(slot, index, stream, text, DateTime.Now);

    [Fact]
    public void ReadWithoutKeep_TakesTheLines_SoTheNextReadReturnsOnlyNewOnes()
    {
        var buffer = new SlotOutputBuffer(2, null);
        buffer.Append(Line(0, 0, "a"));
        buffer.Append(Line(1, 1, "x"));
        buffer.Append(Line(0, 0, "b"));

        Assert.Equal(new[] { "a", "b" }, buffer.Read(0, keep: false).Lines.Select(l => l.Line));
        Assert.Empty(buffer.Read(0, keep: false).Lines);
        buffer.Append(Line(0, 2, "c"));
        Assert.Equal(new[] { "c" }, buffer.Read(0, keep: false).Lines.Select(l => l.Line));
        Assert.Equal(new[] { "x" }, buffer.Read(1, keep: false).Lines.Select(l => l.Line));
    }

    [Fact]
    public void ReadWithKeep_LeavesTheLines_AndACursorSkipsWhatWasSeen()
    {
        var buffer = new SlotOutputBuffer(1, null);
        buffer.Append(Line(0, 0, "a"));
        buffer.Append(Line(0, 0, "b"));

        var first = buffer.Read(0, keep: true);
        Assert.Equal(new[] { "a", "b" }, first.Lines.Select(l => l.Line));
        Assert.Equal(new[] { "a", "b" }, buffer.Read(0, keep: true).Lines.Select(l => l.Line));

        buffer.Append(Line(0, 1, "c"));
        var next = buffer.Read(0, keep: true, after: first.LastSequence);
        Assert.Equal(new[] { "c" }, next.Lines.Select(l => l.Line));
        Assert.Equal(3, buffer.Count(0));
        Assert.Empty(buffer.Read(0, keep: true, after: next.LastSequence).Lines);

        // A later read without keep still gets everything kept so far, then nothing.
        Assert.Equal(new[] { "a", "b", "c" }, buffer.Read(0, keep: false).Lines.Select(l => l.Line));
        Assert.Equal(0, buffer.Count(0));
    }

    [Fact]
    public void Bounded_DropsTheOldestUnreadLines_AndSaysHowMany()
    {
        var buffer = new SlotOutputBuffer(1, 3);
        for (int i = 0; i < 10; i++) buffer.Append(Line(0, 0, "l" + i));

        var read = buffer.Read(0, keep: false);
        Assert.Equal(new[] { "l7", "l8", "l9" }, read.Lines.Select(l => l.Line));
        Assert.Equal(7, read.DroppedLines);
        buffer.Append(Line(0, 0, "next"));
        var again = buffer.Read(0, keep: false);
        Assert.Equal(0, again.DroppedLines);
        Assert.Equal(new[] { "next" }, again.Lines.Select(l => l.Line));
    }

    [Fact]
    public void AHugeSlotCount_HoldsOnlyTheSlotsThatPrinted()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var buffer = new SlotOutputBuffer(int.MaxValue, null);
        buffer.Append(Line(7, 0, "seven"));
        buffer.Append(Line(int.MaxValue - 1, 1, "last"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Equal(new[] { 7, int.MaxValue - 1 }, buffer.SlotsWithOutput().Select(k => k.Slot));
        Assert.Empty(buffer.Read(3, keep: false).Lines);
        Assert.Equal(0, buffer.Count(3));
        Assert.Equal(new[] { "seven" }, buffer.Read(7, keep: false).Lines.Select(l => l.Line));
        Assert.Equal(int.MaxValue, buffer.SlotCount);
    }

    [Fact]
    public void ASlotOutsideTheBuffer_IsRejectedOnRead_AndIgnoredOnAppend()
    {
        var buffer = new SlotOutputBuffer(2, null);
        buffer.Append(Line(5, 0, "stray"));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Read(2, keep: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Read(-1, keep: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlotOutputBuffer(0, null));
    }

    [Fact]
    public void ArrivalSignal_IsSetByALine_AndClearedByTheReader()
    {
        var buffer = new SlotOutputBuffer(1, null);
        Assert.False(buffer.LinesArrived.WaitOne(0));
        buffer.Append(Line(0, 0, "a"));
        Assert.True(buffer.LinesArrived.WaitOne(0));
        buffer.ResetArrivalSignal();
        Assert.False(buffer.LinesArrived.WaitOne(0));
    }

    [Fact]
    public void FedByALiveRun_EachSlotHoldsItsCommandsLines_InTheOrderTheyRan()
    {
        var buffer = new SlotOutputBuffer(3, null);
        using var run = new ParallelRun(new RunOptions { ThrottleLimit = 3 });
        run.LineReceived += buffer.Append;
        for (int i = 0; i < 12; i++)
            run.Add(Sh($"echo start {i}; sleep 0.0{i % 4}; echo middle {i} >&2; echo end {i}"));
        run.CompleteAdding();
        var (results, _) = Drain(run);

        Assert.Equal(12, results.Count);
        for (int slot = 0; slot < 3; slot++)
        {
            var lines = buffer.Read(slot, keep: false).Lines;
            Assert.All(lines, l => Assert.Equal(slot, l.Slot));
            // Commands of a slot, in the order they ran; each one's lines together, as it printed them.
            var expected = results.Where(r => r.Slot == slot).OrderBy(r => r.StartTime).SelectMany(r => r.Lines).ToList();
            Assert.Equal(expected.Select(l => (l.Index, l.Stream, l.Line)), lines.Select(l => (l.Index, l.Stream, l.Line)));
            Assert.Equal(lines.Select(l => l.Index).Distinct(), expected.Select(l => l.Index).Distinct());
        }
    }

    [Fact]
    public void LiveReads_DuringARun_ReturnEachLineOnce()
    {
        var buffer = new SlotOutputBuffer(2, null);
        using var run = new ParallelRun(new RunOptions { ThrottleLimit = 2 });
        run.LineReceived += buffer.Append;
        for (int i = 0; i < 6; i++) run.Add(Sh($"for n in 1 2 3 4 5; do echo {i}-$n; sleep 0.02; done"));
        run.CompleteAdding();

        var seen = new List<string>();
        var deadline = DateTime.UtcNow + Hang;
        while (!run.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, "the run did not complete");
            buffer.ResetArrivalSignal();
            for (int s = 0; s < 2; s++) seen.AddRange(buffer.Read(s, keep: false).Lines.Select(l => l.Line));
            WaitHandle.WaitAny(new[] { buffer.LinesArrived, run.CompletedWaitHandle }, 1000);
        }
        for (int s = 0; s < 2; s++) seen.AddRange(buffer.Read(s, keep: false).Lines.Select(l => l.Line));

        var expected = Enumerable.Range(0, 6).SelectMany(i => Enumerable.Range(1, 5).Select(n => $"{i}-{n}"));
        Assert.Equal(expected.OrderBy(x => x), seen.OrderBy(x => x));
    }
}
