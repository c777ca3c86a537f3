using ParallelJobs.Output;
using ParallelJobs.Scheduling;

namespace ParallelJobs.Engine.Tests.Slurm;

/// <summary>A ParallelRun whose commands go to Slurm: keep-order, the job log and resume work as for local runs.</summary>
public sealed class SlurmParallelRunTests
{
    [Fact]
    public void KeepOrderJobLogAndResumeWorkForSlurmCommands()
    {
        string conf = SlurmTestCluster.Require();
        using var temp = new TempDir();
        string log = temp.Combine("jobs.log");
        RunOptions Options(ResumeMode resume)
        {
            var o = new RunOptions { Slurm = true, ThrottleLimit = 2, KeepOrder = true, JobLogPath = log, Resume = resume, WorkingDirectory = temp.Path };
            o.Environment["SLURM_CONF"] = conf;
            o.Environment["PJ_GREETING"] = "hello from the submitter";
            o.ConfigureSlurm = s =>
            {
                s.SlurmPollInterval = TimeSpan.FromSeconds(1);
                s.RecordGrace = TimeSpan.FromSeconds(1);
                s.BatchDelay = TimeSpan.FromMilliseconds(200);
                s.Linger = TimeSpan.FromSeconds(1);
            };
            return o;
        }
        var specs = new[]
        {
            RunDriver.Sh("sleep 1; echo \"$PJ_GREETING\""),
            RunDriver.Sh("exit 2"),
            CommandSpec.Program("printf", new[] { "%s|", "a b", "{}" }, "it's"),
        };

        var slotsSeen = new List<ParallelSlot>();
        var (first, events) = RunDriver.Run(Options(ResumeMode.None), specs, (run, e) =>
        {
            if (e.Kind == RunEventKind.CommandStarted) slotsSeen.AddRange(run.GetSlots().Where(s => s.Index == e.Index));
        });

        Assert.Equal(new[] { 0, 1, 2 }, first.Select(r => r.Index));
        Assert.Equal(new[] { "hello from the submitter" }, first[0].Output);
        Assert.Equal((CommandStatus.Failed, (int?)2), (first[1].Status, first[1].ExitCode));
        // A program's arguments reach it exactly, quoted for the node's shell.
        Assert.Equal(new[] { "a b|it's|" }, first[2].Output);
        Assert.All(first, r => Assert.Matches("^[0-9]+_[0-9]+$", r.ClusterJobId));
        Assert.All(first, r => Assert.Equal("pjnode", r.ComputerName));
        Assert.Contains(events, e => e.Kind == RunEventKind.CommandStarted && e.Index == 0 && e.ProcessId > 0);
        // Get-ParallelSlot's view of a running task: the node that runs it and its pid there.
        Assert.NotEmpty(slotsSeen);
        Assert.All(slotsSeen, s => Assert.Equal(("pjnode", SlotActivity.Busy), (s.ComputerName, s.State)));
        Assert.Equal(4, File.ReadAllLines(log).Length); // the header and one line per command

        // Resumed: the successful ones are skipped without reaching Slurm; the failed one runs again.
        var (again, _) = RunDriver.Run(Options(ResumeMode.ResumeFailed), specs);

        Assert.Equal(new[] { CommandStatus.Skipped, CommandStatus.Failed, CommandStatus.Skipped }, again.Select(r => r.Status));
        Assert.NotNull(again[1].ClusterJobId);
        Assert.NotEqual(first[1].ClusterJobId?.Split('_')[0], again[1].ClusterJobId!.Split('_')[0]);
    }

    [Fact]
    public void AnArrayRunWritesSlotFilesAndCommandsTsvThatReadBackAsALocalRunsDo()
    {
        string conf = SlurmTestCluster.Require();
        using var temp = new TempDir();
        string output = temp.Combine("out");
        var o = new RunOptions { Slurm = true, ThrottleLimit = 2, OutputDirectory = output, WorkingDirectory = temp.Path };
        o.Environment["SLURM_CONF"] = conf;
        o.ConfigureSlurm = s =>
        {
            s.SlurmPollInterval = TimeSpan.FromSeconds(1);
            s.BatchDelay = TimeSpan.FromMilliseconds(200);
            s.Linger = TimeSpan.FromSeconds(1);
        };
        var specs = Enumerable.Range(0, 5).Select(i => RunDriver.Sh($"echo out {i}; echo err {i} >&2; printf 'x\\ny\\n'; exit {i % 2}")).ToArray();

        var (results, _) = RunDriver.Run(o, specs);

        Assert.Equal(5, results.Count);
        // The files of a run over hosts: one pair per node and array task, and commands.tsv.
        var names = Directory.GetFiles(output, "slot-*").Select(Path.GetFileName).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.Matches("^slot-pjnode-[0-9]+\\.(out|err)$", n));
        var reader = new SlotOutputDirectoryReader(output);
        Assert.Equal(Enumerable.Range(0, 5), reader.Commands.Select(c => c.Index).OrderBy(i => i));
        foreach (var r in results)
        {
            var row = reader.Commands.Single(c => c.Index == r.Index);
            Assert.Equal((r.Slot, "pjnode", r.Status, r.ExitCode), (row.Slot, row.Host, row.Status, row.ExitCode));
            // Read back from the slot files: exactly the command's lines, stdout then stderr.
            var lines = reader.ReadLines(new SlotKey("pjnode", r.Slot)).Where(l => l.Index == r.Index).ToList();
            Assert.Equal(new[] { $"out {r.Index}", "x", "y", $"err {r.Index}" }, lines.Select(l => l.Line));
            Assert.All(lines, l => Assert.Equal("pjnode", l.ComputerName));
            Assert.Equal(r.Lines.Select(l => l.Line), lines.Select(l => l.Line));
        }
    }
}
