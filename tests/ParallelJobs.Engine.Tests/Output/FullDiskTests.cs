using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;

namespace ParallelJobs.Engine.Tests.Output;

/// <summary>A run whose output directory and job log fill a real 1 MB filesystem.</summary>
public class FullDiskTests
{
    [Fact]
    public void AFullDisk_EveryInputStillGetsItsResult_AndLostOutputIsNamedOnTheResult()
    {
        using var fs = SmallFilesystem.Mount("1m");
        string dir = fs.Combine("out");
        string log = fs.Combine("joblog");
        // 600 KB each, so the second command already fills the disk; the comment makes each commands.tsv and
        // job log line longer than a page, so those files need new space after the disk is full as well.
        string padding = new string('p', 5000);
        var specs = Enumerable.Range(0, 6).Select(i => Sh($"head -c 600000 /dev/zero | tr '\\0' x; echo; echo err >&2 # {i} {padding}")).ToList();
        // Every command must be read to its end: no drain period cuts a slow reader short on a busy machine.
        var options = new RunOptions { ThrottleLimit = 2, OutputDirectory = dir, JobLogPath = log, OutputDrainPeriod = TimeSpan.FromMinutes(2) };

        var (results, events) = Run(options, specs);

        Assert.Equal(Enumerable.Range(0, 6), results.Select(r => r.Index).OrderBy(i => i));
        Assert.All(results, r =>
        {
            // The status stays the truth about the process; the lost output is said apart.
            Assert.Equal(CommandStatus.Succeeded, r.Status);
            Assert.Equal(0, r.ExitCode);
            Assert.Equal(600_001, r.OutputBytes);
        });
        var lost = results.Where(r => r.OutputWriteError != null).ToList();
        Assert.NotEmpty(lost);
        Assert.All(lost, r =>
        {
            Assert.Contains("no space left on device", r.OutputWriteError, StringComparison.OrdinalIgnoreCase);
            Assert.Contains($"'{dir}/slot-{r.Slot}.", r.OutputWriteError);
        });
        var warnings = events.Where(e => e.Kind == RunEventKind.Warning).Select(e => e.Message!).ToList();
        Assert.Single(warnings, w => w.Contains($"'{log}'") && w.Contains("No space left on device", StringComparison.OrdinalIgnoreCase));
        Assert.Single(warnings, w => w.Contains("commands.tsv") && w.Contains("No space left on device", StringComparison.OrdinalIgnoreCase));
    }
}
