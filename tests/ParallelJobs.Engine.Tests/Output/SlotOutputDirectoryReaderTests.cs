using System.Text;
using ParallelJobs.Output;
using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;
using ParallelJobs.TestSupport;

namespace ParallelJobs.Engine.Tests.Output;

public class SlotOutputDirectoryReaderTests
{
    [Fact]
    public void ReadsBack_ExactlyTheLinesEachCommandPrinted_PerSlotInRunOrder()
    {
        using var dir = new TempDir();
        var specs = new[]
        {
            Sh("printf 'one\\ntwo\\n'"),
            Sh("printf 'no newline at end'"),
            Sh("printf 'crlf\\r\\nline\\r\\n'; echo err >&2"),
            Sh("printf 'caf\\303\\251 \\342\\202\\254\\n'"),
            Sh("true"),
            Sh("printf '\\n\\nblank lines above\\n'; exit 4"),
            Sh("printf 'tab\\tinside\\n'; printf 'e1\\ne2' >&2"),
            Sh("for i in $(seq 1 500); do echo line $i; done"),
        };
        var (results, _) = Run(new RunOptions { ThrottleLimit = 3, OutputDirectory = dir.Path, TailLines = 100000 }, specs);
        Assert.Equal(specs.Length, results.Count);

        var reader = new SlotOutputDirectoryReader(dir.Path);
        Assert.Equal(results.Select(r => r.Slot).Distinct().OrderBy(s => s), reader.Slots.Select(k => k.Slot));
        Assert.Equal(results.Count, reader.Commands.Count);
        foreach (int slot in reader.Slots.Select(k => k.Slot))
        {
            var ran = results.Where(r => r.Slot == slot).OrderBy(r => r.StartTime).ToList();
            Assert.Equal(ran.Select(r => r.Index), reader.CommandsOf(slot).Select(c => c.Index));

            var expectedOut = ran.SelectMany(r => r.Lines.Where(l => l.Stream == StreamKind.Output)).Select(l => (l.Index, l.Line));
            var actualOut = reader.ReadLines(slot, StreamKind.Output).Select(l => (l.Index, l.Line));
            Assert.Equal(expectedOut, actualOut);
            var expectedErr = ran.SelectMany(r => r.Lines.Where(l => l.Stream == StreamKind.Error)).Select(l => (l.Index, l.Line));
            Assert.Equal(expectedErr, reader.ReadLines(slot, StreamKind.Error).Select(l => (l.Index, l.Line)));

            // Both streams: per command, its stdout lines then its stderr lines.
            var both = reader.ReadLines(slot).ToList();
            Assert.All(both, l => Assert.Equal(slot, l.Slot));
            Assert.Equal(ran.Sum(r => r.Lines.Length), both.Count);
            Assert.Equal(ran.Select(r => r.Index).Where(i => both.Any(l => l.Index == i)), both.Select(l => l.Index).Distinct());
        }
    }

    [Fact]
    public void ByteRanges_CoverTheSlotFilesExactly()
    {
        using var dir = new TempDir();
        var specs = Enumerable.Range(0, 9).Select(i => Sh($"printf '%0{i * 7 + 1}d\\n' {i}; printf 'err{i}' >&2"));
        var (results, _) = Run(new RunOptions { ThrottleLimit = 2, OutputDirectory = dir.Path }, specs);
        var reader = new SlotOutputDirectoryReader(dir.Path);
        foreach (int slot in reader.Slots.Select(k => k.Slot))
        {
            var commands = reader.CommandsOf(slot);
            long outLength = new FileInfo(Path.Combine(dir.Path, $"slot-{slot}.out")).Length;
            long errLength = new FileInfo(Path.Combine(dir.Path, $"slot-{slot}.err")).Length;
            Assert.Equal(outLength, commands.Sum(c => c.OutLength));
            Assert.Equal(errLength, commands.Sum(c => c.ErrLength));
            long expectedOffset = 0;
            foreach (var c in commands)
            {
                Assert.Equal(expectedOffset, c.OutOffset);
                expectedOffset += c.OutLength;
                var r = results.Single(x => x.Index == c.Index);
                Assert.Equal(r.Status, c.Status);
                Assert.Equal(r.ExitCode, c.ExitCode);
                Assert.Equal(r.Command, c.Command);
            }
        }
    }

    [Fact]
    public void ACommandWithTabsAndNewlines_ReadsBackAsItRan()
    {
        using var dir = new TempDir();
        var (results, _) = Run(new RunOptions { ThrottleLimit = 1, OutputDirectory = dir.Path }, new[] { Sh("echo 'a\tb' \\\n && echo c") });
        var reader = new SlotOutputDirectoryReader(dir.Path);
        Assert.Equal(results[0].Command, reader.Commands.Single().Command);
    }

    [Fact]
    public void NoDirectory_NoSlotFiles_NoIndex_AreEachAClearError()
    {
        using var dir = new TempDir();
        Assert.Throws<DirectoryNotFoundException>(() => new SlotOutputDirectoryReader(dir.Combine("missing")));
        File.WriteAllText(dir.Combine("unrelated.txt"), "x");
        var none = Assert.Throws<FileNotFoundException>(() => new SlotOutputDirectoryReader(dir.Path));
        Assert.Contains("no slot files", none.Message);
        File.WriteAllText(dir.Combine("slot-0.out"), "x\n");
        var noIndex = Assert.Throws<FileNotFoundException>(() => new SlotOutputDirectoryReader(dir.Path));
        Assert.Contains("commands.tsv", noIndex.Message);
        File.WriteAllText(dir.Combine("commands.tsv"), "not a header\n");
        Assert.Throws<InvalidDataException>(() => new SlotOutputDirectoryReader(dir.Path));
    }

    [Fact]
    public void AHugeLine_IsReadBackWhole()
    {
        using var dir = new TempDir();
        var (results, _) = Run(new RunOptions { ThrottleLimit = 1, OutputDirectory = dir.Path }, new[] { Sh("head -c 300000 /dev/zero | tr '\\0' x; echo; echo after") });
        var lines = new SlotOutputDirectoryReader(dir.Path).ReadLines(0).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(300000, lines[0].Line.Length);
        Assert.Equal("after", lines[1].Line);
        // The in-memory result keeps a cut line; the files keep every byte.
        Assert.True(results[0].Output[0].Length < 300000);
    }

    [Fact]
    public void AHalfWrittenLastRow_OfARunStillWriting_IsLeftForTheNextRead_ButAMalformedCompleteRowIsAnError()
    {
        using var dir = new TempDir();
        Run(new RunOptions { ThrottleLimit = 1, OutputDirectory = dir.Path }, new[] { Sh("echo one"), Sh("echo two") });
        string index = dir.Combine("commands.tsv");
        var rows = File.ReadAllLines(index);
        File.WriteAllText(index, string.Join("\n", rows.Take(2)) + "\n" + rows[2].Substring(0, 5));
        var reader = new SlotOutputDirectoryReader(dir.Path);
        Assert.Single(reader.Commands);
        Assert.Single(reader.ReadLines(0));

        File.WriteAllText(index, string.Join("\n", rows.Take(2)) + "\n" + rows[2].Substring(0, 5) + "\n");
        Assert.Throws<InvalidDataException>(() => new SlotOutputDirectoryReader(dir.Path));
    }
}
