using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;
using ParallelJobs.TestSupport;

namespace ParallelJobs.Engine.Tests.Output;

public class JobLogTests
{
    [Fact]
    public void JobLog_HasGnuParallelsColumns_OneLinePerFinishedCommand()
    {
        using var dir = new TempDir();
        string log = dir.Combine("joblog");
        Run(new RunOptions { ThrottleLimit = 2, JobLogPath = log }, new[] { Sh("echo hi"), Sh("exit 5"), Sh("kill -9 $$") });
        var lines = File.ReadAllLines(log);
        Assert.Equal("Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split('\t')).OrderBy(f => int.Parse(f[0])).ToList();
        Assert.Equal(new[] { "1", "2", "3" }, rows.Select(f => f[0]));
        Assert.Equal("3", rows[0][5]); // "hi\n"
        Assert.Equal(new[] { "0", "0" }, rows[0][6..8]);
        Assert.Equal(new[] { "5", "0" }, rows[1][6..8]);
        Assert.Equal("9", rows[2][7]);
        Assert.Equal("echo hi", rows[0][8]);
    }

    [Fact]
    public void Resume_SkipsWhatTheLogRecords_AndResumeFailed_RerunsFailures()
    {
        using var dir = new TempDir();
        string log = dir.Combine("joblog");
        string counter = dir.Combine("runs");
        var specs = new Func<CommandSpec[]>(() => new[] { Sh($"echo 0 >> '{counter}'"), Sh($"echo 1 >> '{counter}'; exit 1"), Sh($"echo 2 >> '{counter}'") });

        Run(new RunOptions { ThrottleLimit = 1, JobLogPath = log }, specs().Take(2));
        Assert.Equal(new[] { "0", "1" }, File.ReadAllLines(counter));

        var (resumed, _) = Run(new RunOptions { ThrottleLimit = 1, JobLogPath = log, Resume = ResumeMode.Resume }, specs());
        Assert.Equal(new[] { "0", "1", "2" }, File.ReadAllLines(counter));
        var byIndex = resumed.ToDictionary(r => r.Index);
        Assert.Equal(CommandStatus.Skipped, byIndex[0].Status);
        Assert.Equal(CommandStatus.Skipped, byIndex[1].Status);
        Assert.Equal(CommandStatus.Succeeded, byIndex[2].Status);

        var (again, _) = Run(new RunOptions { ThrottleLimit = 1, JobLogPath = log, Resume = ResumeMode.ResumeFailed }, specs());
        Assert.Equal(new[] { "0", "1", "2", "1" }, File.ReadAllLines(counter));
        Assert.Equal(CommandStatus.Failed, again.Single(r => r.Index == 1).Status);
        Assert.All(again.Where(r => r.Index != 1), r => Assert.Equal(CommandStatus.Skipped, r.Status));
    }

    [Fact]
    public void ABrokenJobLog_IsRejectedWithItsNameAndLine()
    {
        using var dir = new TempDir();
        string log = dir.Combine("joblog");
        File.WriteAllText(log, "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\nnot a log line\n");
        var e = Assert.ThrowsAny<Exception>(() => new ParallelRun(new RunOptions { JobLogPath = log, Resume = ResumeMode.Resume }));
        Assert.Contains(log, e.Message);
        Assert.Contains("line 2", e.Message);
    }
}
