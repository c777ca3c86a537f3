using ParallelJobs.Output;
using ParallelJobs.Remote;
using ParallelJobs.Scheduling;

namespace ParallelJobs.Engine.Tests.Remote;

/// <summary>
/// A run over hosts numbers each host's slots from 0: (ComputerName, Slot) names a slot in results, lines, the
/// slots the run reports, {%} and PARALLELJOBS_SLOT, and the slot files under an output directory.
/// </summary>
[Collection(nameof(SshHostsGroup))]
public class RemoteSlotTests
{
    private static readonly string[] ThreeHosts = { "127.0.0.1", "127.0.0.2", "127.0.0.3" };

    private static RunOptions Options(params string[] hosts) => new()
    {
        Hosts = SshHost.ParseAll(hosts),
        Ssh = new SshSettings { ConfigFile = SshTestHosts.ConfigFile },
        GracePeriod = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public void SlotsAreNumberedWithinEachHost_InResultsLinesSlotsTokensAndTheEnvironment()
    {
        SshTestHosts.Require();
        using var run = new ParallelRun(Options("2/127.0.0.1", "2/127.0.0.2", "2/127.0.0.3"));
        var lines = new System.Collections.Concurrent.ConcurrentQueue<SlotOutputLine>();
        run.LineReceived += lines.Enqueue;
        Assert.Equal(ThreeHosts.SelectMany(h => new[] { (h, 0), (h, 1) }), run.GetSlots().Select(s => (s.ComputerName, s.Slot)));
        Assert.Equal(ThreeHosts.Select(h => new KeyValuePair<string, int>(h, 2)), run.SlotHosts);
        for (int i = 0; i < 18; i++) run.Add(RunDriver.Sh("set -- $SSH_CONNECTION; echo \"$PARALLELJOBS_SLOT {%} $3\"; sleep 0.1"));
        run.CompleteAdding();
        var (results, events) = RunDriver.Drain(run);

        Assert.Equal(18, results.Count);
        Assert.All(results, r => Assert.True(r.Succeeded, r.Reason));
        Assert.All(results, r => Assert.InRange(r.Slot, 0, 1));
        // The command saw the same slot as its result: PARALLELJOBS_SLOT, {%} (1-based), and the result's host.
        Assert.All(results, r => Assert.Equal($"{r.Slot} {r.Slot + 1} {r.ComputerName}", r.Output.Single()));
        Assert.All(results, r => Assert.Equal(r.ComputerName, r.Lines.Single().ComputerName));
        Assert.Equal(6, results.Select(r => (r.ComputerName, r.Slot)).Distinct().Count());
        // Each line as it arrives names its host and its slot there.
        Assert.Equal(18, lines.Count);
        Assert.All(lines, l =>
        {
            var r = results.Single(x => x.Index == l.Index);
            Assert.Equal((r.ComputerName, r.Slot), (l.ComputerName, l.Slot));
        });
        // The started events say the same slot number as the result, and its host.
        Assert.All(events.Where(e => e.Kind == RunEventKind.CommandStarted), e =>
        {
            var r = results.Single(x => x.Index == e.Index);
            Assert.Equal((r.ComputerName, r.Slot), (e.ComputerName, e.Slot));
            Assert.Contains($"started in slot {r.Slot} on {r.ComputerName}", e.Describe());
        });
        // One host's slot, by name; a slot or a host the run does not have is null.
        var slot = run.GetSlot("127.0.0.2", 1)!;
        Assert.Equal(("127.0.0.2", 1), (slot.ComputerName, slot.Slot));
        Assert.Equal(results.Count(r => r.ComputerName == "127.0.0.2" && r.Slot == 1), slot.Completed);
        Assert.Null(run.GetSlot("127.0.0.2", 2));
        Assert.Null(run.GetSlot("no-such-host", 0));
    }

    [Fact]
    public void AnOutputDirectory_HasFilesPerHostAndSlot_AndReadsBackWithEachLinesHost()
    {
        SshTestHosts.Require();
        using var dir = new TempDir();
        var options = Options("2/127.0.0.1", "1/127.0.0.2", "1/:");
        options.OutputDirectory = dir.Path;
        var (results, _) = RunDriver.Run(options, Enumerable.Range(0, 12).Select(i =>
            RunDriver.Sh("echo \"out {} ${SSH_CONNECTION:-here}\"; echo \"err {}\" >&2; sleep 0.05", i.ToString())));
        Assert.All(results, r => Assert.True(r.Succeeded, r.Reason));

        string here = Environment.MachineName;
        var expectedFiles = new[] { "127.0.0.1", "127.0.0.1", "127.0.0.2", here }.Zip(new[] { 0, 1, 0, 0 }, (h, k) => SlotFileSet.FileName(h, k))
            .SelectMany(n => new[] { n + ".err", n + ".out" }).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(expectedFiles, Directory.GetFiles(dir.Path, "slot-*").Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Contains("slot-127.0.0.1-1.out", expectedFiles);
        Assert.All(results, r => Assert.Equal(Path.Combine(dir.Path, SlotFileSet.FileName(r.ComputerName, r.Slot) + ".out"), r.OutputPath));

        // commands.tsv names each command's host.
        var rows = File.ReadAllLines(Path.Combine(dir.Path, SlotFileSet.IndexFileName));
        Assert.Equal(SlotFileSet.IndexHeader, rows[0]);
        int hostColumn = Array.IndexOf(rows[0].Split('\t'), "Host");
        Assert.Equal(results.Select(r => (r.Index, r.ComputerName)).OrderBy(x => x.Index),
            rows.Skip(1).Select(l => l.Split('\t')).Select(f => (int.Parse(f[0]), f[hostColumn])).OrderBy(x => x.Item1));

        var reader = new SlotOutputDirectoryReader(dir.Path);
        Assert.Equal(results.Select(r => new SlotKey(r.ComputerName, r.Slot)).Distinct().OrderBy(k => k), reader.Slots);
        foreach (var r in results)
        {
            var mine = reader.ReadLines(new SlotKey(r.ComputerName, r.Slot)).Where(l => l.Index == r.Index).ToList();
            Assert.Equal(new[] { r.Output.Single(), "err " + r.Index }, mine.Select(l => l.Line));
            Assert.All(mine, l => Assert.Equal((r.ComputerName, r.Slot), (l.ComputerName, l.Slot)));
        }
        // The lines really came from the host named ($SSH_CONNECTION is "client port server port").
        Assert.All(results, r => Assert.Equal(r.ComputerName == here ? "here" : r.ComputerName, r.Output.Single().Split(' ')[r.ComputerName == here ? 2 : 4]));
    }
}
