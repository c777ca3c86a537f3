using System.Text;
using ParallelJobs.Output;
using ParallelJobs.Remote;
using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;

namespace ParallelJobs.Engine.Tests.Output;

/// <summary>
/// Slot files and commands.tsv with the host column: local runs keep slot-&lt;k&gt; and gain the column, host
/// runs name files by host and slot, and a commands.tsv of the earlier format (no Host column) still reads.
/// </summary>
public class HostSlotFileTests
{
    [Theory]
    [InlineData("127.0.0.2", 0, "slot-127.0.0.2-0")]
    [InlineData("node-1.example.org", 12, "slot-node-1.example.org-12")]
    [InlineData("alice@[::1]:2222", 3, "slot-alice%40%5B%3A%3A1%5D%3A2222-3")]
    [InlineData("100%", 1, "slot-100%25-1")]
    [InlineData("hôte", 0, "slot-h%C3%B4te-0")]
    public void AHostsFileName_IsSafeOnEverySystem_AndGivesTheHostBack(string host, int slot, string name)
    {
        Assert.Equal(name, SlotFileSet.FileName(host, slot));
        Assert.True(SlotFileSet.TryParseFileName(name, out string? parsedHost, out int parsedSlot));
        Assert.Equal((host, slot), (parsedHost, parsedSlot));
    }

    [Fact]
    public void APlainSlotFileName_HasNoHost_AndOtherNamesAreNotSlotFiles()
    {
        Assert.Equal("slot-7", SlotFileSet.FileName(null, 7));
        Assert.True(SlotFileSet.TryParseFileName("slot-7", out string? host, out int slot));
        Assert.Equal(((string?)null, 7), (host, slot));
        foreach (var other in new[] { "slot-", "slot-x", "slot--1", "slot-h-", "commands", "slot-h-1x" })
            Assert.False(SlotFileSet.TryParseFileName(other, out _, out _), other);
    }

    [Fact]
    public void ALocalRun_KeepsSlotKFileNames_AndRecordsThisMachineInTheHostColumn()
    {
        using var dir = new TempDir();
        var (results, _) = Run(new RunOptions { ThrottleLimit = 2, OutputDirectory = dir.Path },
            Enumerable.Range(0, 4).Select(i => Sh("echo {}; sleep 0.05", i.ToString())));
        Assert.Equal(new[] { "slot-0.err", "slot-0.out", "slot-1.err", "slot-1.out" },
            Directory.GetFiles(dir.Path, "slot-*").Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
        var rows = File.ReadAllLines(dir.Combine("commands.tsv"));
        Assert.Equal("Index\tSlot\tStatus\tExitCode\tStartTime\tEndTime\tOutOffset\tOutLength\tErrOffset\tErrLength\tHost\tCommand", rows[0]);
        Assert.All(rows.Skip(1), row => Assert.Equal(Environment.MachineName, row.Split('\t')[10]));

        var reader = new SlotOutputDirectoryReader(dir.Path);
        Assert.Equal(new[] { SlotKey.Local(0), SlotKey.Local(1) }, reader.Slots);
        var lines = reader.Slots.SelectMany(k => reader.ReadLines(k)).ToList();
        Assert.Equal(4, lines.Count);
        Assert.All(lines, l => Assert.Equal(Environment.MachineName, l.ComputerName));
        Assert.Equal(results.Select(r => r.Index).OrderBy(i => i), lines.Select(l => int.Parse(l.Line)).OrderBy(i => i));
    }

    [Fact]
    public void ACommandsTsvWithoutTheHostColumn_StillReads_ItsLinesWithoutAMachine()
    {
        using var dir = new TempDir();
        Run(new RunOptions { ThrottleLimit = 2, OutputDirectory = dir.Path },
            Enumerable.Range(0, 4).Select(i => Sh("echo out {}; echo 'a\tb' >&2; sleep 0.05", i.ToString())));
        // The format written before the Host column: the same columns without it.
        string index = dir.Combine("commands.tsv");
        var old = File.ReadAllLines(index).Select(l =>
        {
            var f = l.Split('\t').ToList();
            f.RemoveAt(10);
            return string.Join("\t", f);
        });
        File.WriteAllText(index, string.Join("\n", old) + "\n", new UTF8Encoding(false));
        Assert.StartsWith("Index\tSlot\tStatus\tExitCode\tStartTime\tEndTime\tOutOffset\tOutLength\tErrOffset\tErrLength\tCommand", File.ReadAllText(index));

        var reader = new SlotOutputDirectoryReader(dir.Path);
        Assert.Equal(new[] { new SlotKey(null, 0), new SlotKey(null, 1) }, reader.Slots);
        Assert.All(reader.Commands, c => Assert.Null(c.Host));
        Assert.All(reader.Commands, c => Assert.StartsWith("echo out ", c.Command));
        var lines = reader.Slots.SelectMany(k => reader.ReadLines(k)).ToList();
        Assert.Equal(8, lines.Count);
        Assert.All(lines, l => Assert.Null(l.ComputerName));
        Assert.Equal(Enumerable.Range(0, 4).Select(i => "out " + i), lines.Where(l => l.Stream == StreamKind.Output).Select(l => l.Line).OrderBy(l => l));
        Assert.All(lines.Where(l => l.Stream == StreamKind.Error), l => Assert.Equal("a\tb", l.Line));
    }

    [Fact]
    public void TheLiveBuffer_KeepsTheSameSlotNumberOfTwoHostsApart()
    {
        var buffer = new SlotOutputBuffer(2, null);
        buffer.Append(new SlotOutputLine(0, 0, StreamKind.Output, "on h1", DateTime.Now, "h1"));
        buffer.Append(new SlotOutputLine(0, 1, StreamKind.Output, "on h2", DateTime.Now, "h2"));
        buffer.Append(new SlotOutputLine(0, 2, StreamKind.Output, "again on H1", DateTime.Now, "H1"));

        Assert.Equal(new[] { new SlotKey("h1", 0), new SlotKey("h2", 0) }, buffer.SlotsWithOutput());
        Assert.Equal(new[] { "on h1", "again on H1" }, buffer.Read(new SlotKey("h1", 0), keep: false).Lines.Select(l => l.Line));
        Assert.Equal(new[] { "on h2" }, buffer.Read(new SlotKey("h2", 0), keep: false).Lines.Select(l => l.Line));
    }

    [Fact]
    public void ADryRunOverHosts_ShowsEachFirstCommandsHostAndItsSlotThere_AsTheRunTakesThem()
    {
        var options = new RunOptions { ThrottleLimit = 4, Hosts = SshHost.ParseAll(new[] { "2/h1", "2/h2", "1/:" }) };
        var plan = new DryRunPlan(options);
        var shown = Enumerable.Range(0, 6).Select(i => plan.Describe(Sh("echo {} {%}", i.ToString()))).ToList();
        // The run takes the host with the most free slots first (ties to the earlier), its lowest free slot.
        Assert.Equal(new[]
        {
            "Command 1 in slot 0 on h1: echo 0 1",
            "Command 2 in slot 0 on h2: echo 1 1",
            "Command 3 in slot 1 on h1: echo 2 2",
            "Command 4 in slot 1 on h2: echo 3 2",
            $"Command 5 in slot 0 on {Environment.MachineName}: echo 4 1",
            "Command 6 in the first slot free: echo 5 {%}",
        }, shown);
    }
}
