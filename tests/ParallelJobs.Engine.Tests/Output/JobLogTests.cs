using ParallelJobs.Output;
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
    public void ACommandTheRunStopped_IsNotLogged_SoResumeRunsItAgain()
    {
        using var dir = new TempDir();
        string log = dir.Combine("joblog");
        string counter = dir.Combine("runs");
        // The first time it runs it waits (and the run is stopped); the second time it finishes.
        var specs = new Func<CommandSpec[]>(() => new[]
        {
            Sh("echo done"),
            Sh($"echo x >> '{counter}'; if [ $(wc -l < '{counter}') -lt 2 ]; then echo waiting; exec sleep 600; fi"),
        });
        using (var run = new ParallelRun(new RunOptions { ThrottleLimit = 1, JobLogPath = log, GracePeriod = TimeSpan.FromMilliseconds(200) }))
        {
            run.LineReceived += l =>
            {
                if (l.Line == "waiting") run.Cancel();
            };
            foreach (var spec in specs()) run.Add(spec);
            run.CompleteAdding();
            var stopped = Drain(run).Results.ToDictionary(r => r.Index);
            Assert.Equal(CommandStatus.Succeeded, stopped[0].Status);
            Assert.Equal(CommandStatus.Cancelled, stopped[1].Status);
        }
        // As in GNU parallel, a job killed because the run was stopped is not in the log.
        Assert.Equal(new[] { "1" }, File.ReadAllLines(log).Skip(1).Select(l => l.Split('\t')[0]));

        var resumed = Run(new RunOptions { ThrottleLimit = 1, JobLogPath = log, Resume = ResumeMode.Resume }, specs()).Results.ToDictionary(r => r.Index);
        Assert.Equal(CommandStatus.Skipped, resumed[0].Status);
        Assert.Equal(CommandStatus.Succeeded, resumed[1].Status);
        Assert.Equal(2, File.ReadAllLines(counter).Length);
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

    private const string Row1 = "1\t:\t1700000000.000\t0.010\t0\t2\t0\t0\techo a";
    private const string Row2 = "2\t:\t1700000000.010\t0.010\t0\t2\t0\t0\techo b";

    [Theory]
    [InlineData("3\t:\t17000")]                                          // cut inside the fields
    [InlineData("3\t:\t1700000000.020\t0.010\t0\t2\t0\t0\techo")]  // cut inside the command
    public void Resume_IgnoresAFinalLineCutOff_WithAWarning_AndLeavesAValidLog(string partial)
    {
        using var dir = new TempDir();
        string log = dir.Combine("joblog");
        string counter = dir.Combine("runs");
        var specs = new[] { "a", "b", "c" }.Select(x => Sh($"echo {x} >> '{counter}'")).ToList();
        // Rows 1 and 2 record the first two commands (a resumed run matches a row by the command's text).
        File.WriteAllText(log, JobLog.Header + "\n" + Row1.Replace("echo a", $"echo a >> '{counter}'") + "\n" +
            Row2.Replace("echo b", $"echo b >> '{counter}'") + "\n" + partial);

        var (results, events) = Run(new RunOptions { ThrottleLimit = 1, JobLogPath = log, Resume = ResumeMode.Resume }, specs);

        Assert.Equal(new[] { CommandStatus.Skipped, CommandStatus.Skipped, CommandStatus.Succeeded }, results.OrderBy(r => r.Index).Select(r => r.Status));
        Assert.Equal(new[] { "c" }, File.ReadAllLines(counter));
        var warning = Assert.Single(events, e => e.Kind == RunEventKind.Warning);
        Assert.Contains(log, warning.Message);
        Assert.Contains("line 4", warning.Message);
        Assert.Contains("incomplete", warning.Message);
        // The cut line is gone and the new one starts on its own line: the log reads back whole.
        var lines = File.ReadAllLines(log);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("3\t:\t", lines[3]);
        Assert.Equal(9, lines[3].Split('\t').Length);

        var (again, againEvents) = Run(new RunOptions { ThrottleLimit = 1, JobLogPath = log, Resume = ResumeMode.Resume }, specs);
        Assert.All(again, r => Assert.Equal(CommandStatus.Skipped, r.Status));
        Assert.DoesNotContain(againEvents, e => e.Kind == RunEventKind.Warning);
    }

    [Fact]
    public void Resume_OfALogCutInsideItsHeader_StartsItAgain()
    {
        using var dir = new TempDir();
        string log = dir.Combine("joblog");
        File.WriteAllText(log, "Seq\tHost\tStart");
        var (results, events) = Run(new RunOptions { ThrottleLimit = 1, JobLogPath = log, Resume = ResumeMode.Resume }, new[] { Sh("true") });
        Assert.Equal(CommandStatus.Succeeded, results.Single().Status);
        Assert.Single(events, e => e.Kind == RunEventKind.Warning);
        var lines = File.ReadAllLines(log);
        Assert.Equal(JobLog.Header, lines[0]);
        Assert.Equal(2, lines.Length);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ALineCutOffInTheMiddle_IsStillRejected(bool endsWithPartialLine)
    {
        using var dir = new TempDir();
        string log = dir.Combine("joblog");
        File.WriteAllText(log, JobLog.Header + "\n" + Row1 + "\n3\t:\t17000\n" + Row2 + "\n" + (endsWithPartialLine ? "4\t:" : ""));
        var e = Assert.Throws<InvalidDataException>(() => new ParallelRun(new RunOptions { JobLogPath = log, Resume = ResumeMode.Resume }));
        Assert.Contains(log, e.Message);
        Assert.Contains("line 3", e.Message);
        Assert.Throws<InvalidDataException>(() => JobLogCheck.Validate(log));
    }

    [Fact]
    public void Resume_IsKeyedByTheCommandsText_SoAChangedInputListResumesTheRightCommands()
    {
        using var dir = new TempDir();
        string log = dir.Combine("joblog");
        Run(new RunOptions { ThrottleLimit = 1, JobLogPath = log }, new[] { Sh("echo a"), Sh("echo b"), Sh("exit 3") });
        // Reordered, one removed, one added in front: by sequence number, "echo new" would be skipped as row 1.
        var specs = new Func<CommandSpec[]>(() => new[] { Sh("echo new"), Sh("exit 3"), Sh("echo b") });
        var resumed = Run(new RunOptions { ThrottleLimit = 1, JobLogPath = log, Resume = ResumeMode.Resume, KeepOrder = true }, specs()).Results;
        Assert.Equal(new[] { CommandStatus.Succeeded, CommandStatus.Skipped, CommandStatus.Skipped }, resumed.Select(r => r.Status));
        Assert.Contains("records this command as run", resumed[1].Reason);
        var failedAgain = Run(new RunOptions { ThrottleLimit = 1, JobLogPath = log, Resume = ResumeMode.ResumeFailed, KeepOrder = true }, specs()).Results;
        Assert.Equal(new[] { CommandStatus.Skipped, CommandStatus.Failed, CommandStatus.Skipped }, failedAgain.Select(r => r.Status));
    }

    [Fact]
    public void Resume_OneRowSkipsOneCommand_SoARepeatedCommandRunsAsOftenAsItIsMissing()
    {
        using var dir = new TempDir();
        string log = dir.Combine("joblog");
        Run(new RunOptions { ThrottleLimit = 1, JobLogPath = log }, new[] { Sh("echo a") });
        var resumed = Run(new RunOptions { ThrottleLimit = 1, JobLogPath = log, Resume = ResumeMode.Resume, KeepOrder = true },
            new[] { Sh("echo a"), Sh("echo a") }).Results;
        Assert.Equal(new[] { CommandStatus.Skipped, CommandStatus.Succeeded }, resumed.Select(r => r.Status));
    }

    [Fact]
    public void Resume_MatchesTemplatesByTheirExpandedText_WithTheSlotTokenAtAnySlot()
    {
        using var dir = new TempDir();
        string log = dir.Combine("joblog");
        var inputs = new[] { "x y", "it's", "back\\slash\ttab" };
        Run(new RunOptions { ThrottleLimit = 3, JobLogPath = log }, inputs.Select(i => Sh("echo {%} {}", i)));
        var resumed = Run(new RunOptions { ThrottleLimit = 3, JobLogPath = log, Resume = ResumeMode.Resume },
            inputs.Reverse().Concat(new[] { "new" }).Select(i => Sh("echo {%} {}", i))).Results;
        Assert.Equal(new[] { "new" }, resumed.Where(r => r.Status != CommandStatus.Skipped).Select(r => r.InputObject));
    }

    [Fact]
    public void Resume_ReadsAJobLogThatGnuParallelWrote()
    {
        if (!File.Exists("/usr/bin/parallel") && !File.Exists("/usr/local/bin/parallel"))
        {
            string why = "GNU parallel is not installed (apt-get install parallel): cannot check that its job log is read";
            if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail("CI=true, yet " + why);
            Assert.Skip(why);
        }
        using var dir = new TempDir();
        string log = dir.Combine("gnu.joblog");
        // GNU parallel writes the command as it ran it, backslashes and all, and numbers rows by input position.
        var gnu = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("parallel",
            new[] { "--will-cite", "-j1", "--joblog", log, "printf '%s\\n' {}", ":::", "a", "b", "c" }) { RedirectStandardOutput = true })!;
        gnu.StandardOutput.ReadToEnd();
        gnu.WaitForExit();
        Assert.Equal(0, gnu.ExitCode);
        var resumed = Run(new RunOptions { ThrottleLimit = 1, JobLogPath = log, Resume = ResumeMode.Resume, KeepOrder = true },
            new[] { "new", "c", "a" }.Select(i => Sh("printf '%s\\n' {}", i))).Results;
        Assert.Equal(new[] { CommandStatus.Succeeded, CommandStatus.Skipped, CommandStatus.Skipped }, resumed.Select(r => r.Status));
        Assert.Equal(new[] { "new" }, resumed[0].Output);
    }
}
