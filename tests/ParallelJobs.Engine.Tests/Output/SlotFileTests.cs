using System.Diagnostics;
using System.Text;
using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;
using ParallelJobs.TestSupport;

namespace ParallelJobs.Engine.Tests.Output;

public class SlotFileTests
{
    [Fact]
    public void SlotFiles_HoldExactlyTheBytesEachSlotsCommandsWrote_InTheOrderTheyRan()
    {
        using var dir = new TempDir();
        // Bytes a text round trip would damage: CR, no final newline, NUL, invalid UTF-8, multi-byte UTF-8.
        var specs = Enumerable.Range(0, 24).Select(i =>
            Sh($"printf 'out {i}\\r\\n\\000\\377\\303\\251'; sleep 0.0{i % 4}; printf 'err {i}\\n' >&2; printf 'tail {i}'")).ToList();
        var options = new RunOptions { ThrottleLimit = 3, OutputDirectory = dir.Combine("out") };
        var (results, _) = Run(options, specs);

        foreach (var slot in results.GroupBy(r => r.Slot))
        {
            var expectedOut = new List<byte>();
            var expectedErr = new List<byte>();
            foreach (var r in slot.OrderBy(r => r.StartTime))
            {
                expectedOut.AddRange(Encoding.ASCII.GetBytes($"out {r.Index}\r\n"));
                expectedOut.AddRange(new byte[] { 0, 0xFF, 0xC3, 0xA9 });
                expectedOut.AddRange(Encoding.ASCII.GetBytes($"tail {r.Index}"));
                expectedErr.AddRange(Encoding.ASCII.GetBytes($"err {r.Index}\n"));
            }
            Assert.Equal(expectedOut.ToArray(), File.ReadAllBytes(dir.Combine("out", $"slot-{slot.Key}.out")));
            Assert.Equal(expectedErr.ToArray(), File.ReadAllBytes(dir.Combine("out", $"slot-{slot.Key}.err")));
        }
        var lines = File.ReadAllLines(dir.Combine("out", "commands.tsv"));
        Assert.Equal(25, lines.Length);
        Assert.StartsWith("Index\tSlot\tStatus", lines[0]);
    }

    [Fact]
    public void ANewRun_ReplacesSlotFilesOfAnEarlierOne()
    {
        using var dir = new TempDir();
        Run(new RunOptions { ThrottleLimit = 4, OutputDirectory = dir.Path }, Enumerable.Range(0, 4).Select(_ => Sh("sleep 0.1; echo old")));
        Run(new RunOptions { ThrottleLimit = 1, OutputDirectory = dir.Path }, new[] { Sh("echo new") });
        Assert.Equal(new[] { "slot-0.err", "slot-0.out" }, Directory.GetFiles(dir.Path, "slot-*").Select(Path.GetFileName).OrderBy(n => n));
        Assert.Equal("new\n", File.ReadAllText(Path.Combine(dir.Path, "slot-0.out")));
    }
}

/// <summary>Alone in its collection: it reads this process's memory, which other tests would disturb.</summary>
[CollectionDefinition(nameof(MemoryBound), DisableParallelization = true)]
public sealed class MemoryBound { }

[Collection(nameof(MemoryBound))]
public class BoundedMemoryTests
{
    [Fact]
    public void OneGigabyteOfOutput_WithAnOutputDirectory_KeepsBoundedTailsAndTheExactByteCount()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("uses /proc and yes(1)");
        using var dir = new TempDir();
        const long size = 1L << 30;
        var options = new RunOptions { ThrottleLimit = 1, OutputDirectory = dir.Path, TailLines = 100 };
        GC.Collect();
        long before = CurrentRss();
        long peak = before;
        using var sampler = new Timer(_ => { long rss = CurrentRss(); if (rss > Interlocked.Read(ref peak)) Interlocked.Exchange(ref peak, rss); }, null, 0, 20);
        string line = new string('a', 99);
        // 1 GiB of 100-byte lines, plus a 10 MB line with no newline at the end.
        var (results, _) = Run(options, new[] { Sh($"yes '{line}' | head -c {size}; head -c 10000000 /dev/zero | tr '\\0' b") });
        sampler.Dispose();
        var r = results.Single();
        Assert.Equal(CommandStatus.Succeeded, r.Status);
        Assert.Equal(size + 10_000_000, r.OutputBytes);
        Assert.Equal(size + 10_000_000, new FileInfo(Path.Combine(dir.Path, "slot-0.out")).Length);
        Assert.Equal(100, r.Output.Length);
        // 2^30 is not a multiple of 100: the last partial line runs into the newline-less 10 MB line.
        Assert.Equal(size / 100 + 1, r.OutputLineCount);
        Assert.True(r.OutputTruncated);
        Assert.True(r.Output[^1].Length <= options.MaxLineLength + 1, "an endless line is cut in memory");
        long growthMb = (Interlocked.Read(ref peak) - before) >> 20;
        Assert.True(growthMb < 200, $"resident memory grew by {growthMb} MB while reading 1 GiB");
    }

    private static long CurrentRss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:")) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return 0;
    }
}
