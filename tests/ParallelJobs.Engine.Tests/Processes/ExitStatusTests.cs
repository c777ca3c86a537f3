using ParallelJobs.Processes;
using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;

namespace ParallelJobs.Engine.Tests.Processes;

/// <summary>
/// The true wait status: a command that exits with 137 and one that SIGKILL kills are different, in the
/// result and in the job log, and each command starts as its own process group with clean signal state.
/// </summary>
public class ExitStatusTests
{
    private static void UnixOnly()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("Unix wait statuses and process groups: not on Windows.");
    }

    [Fact]
    public void OnLinuxAndMacOS_CommandsStartWithPosixSpawn_NotThroughTheFallback()
    {
        UnixOnly();
        Assert.Null(LocalLauncher.FallbackReason);
    }

    [Fact]
    public void ExitingWith137_IsAnExit_WhileSigkill_IsASignal()
    {
        UnixOnly();
        using var dir = new TempDir();
        string log = dir.Combine("joblog");
        var (results, _) = Run(new RunOptions { ThrottleLimit = 3, JobLogPath = log },
            new[] { Sh("exit 137"), Sh("kill -9 $$"), Sh("kill -TERM $$") });
        var byIndex = results.ToDictionary(r => r.Index);

        Assert.Equal(CommandStatus.Failed, byIndex[0].Status);
        Assert.Equal(137, byIndex[0].ExitCode);
        Assert.Null(byIndex[0].Signal);
        Assert.Equal("Exited with code 137.", byIndex[0].Reason);

        Assert.Equal(CommandStatus.Failed, byIndex[1].Status);
        Assert.Equal(9, byIndex[1].Signal);
        Assert.Equal(137, byIndex[1].ExitCode); // as $? and $LASTEXITCODE show it
        Assert.Equal("Killed by signal 9 (SIGKILL).", byIndex[1].Reason);

        Assert.Equal(15, byIndex[2].Signal);

        // GNU parallel's columns: exit 137 is "137 0"; a death by signal n is "0 n".
        var rows = File.ReadAllLines(log).Skip(1).Select(l => l.Split('\t')).ToDictionary(f => int.Parse(f[0]));
        Assert.Equal(new[] { "137", "0" }, rows[1][6..8]);
        Assert.Equal(new[] { "0", "9" }, rows[2][6..8]);
        Assert.Equal(new[] { "0", "15" }, rows[3][6..8]);
    }

    [Fact]
    public void ACommandKilledFromOutside_ReportsTheSignal()
    {
        UnixOnly();
        using var run = new ParallelRun(new RunOptions { ThrottleLimit = 1 });
        // The command prints its PID and becomes a long sleep under it; the test kills that PID with SIGKILL.
        run.LineReceived += line => System.Diagnostics.Process.GetProcessById(int.Parse(line.Line)).Kill();
        run.Add(Sh("echo $$; exec sleep 600"));
        run.CompleteAdding();
        var r = Drain(run).Results.Single();
        Assert.Equal(CommandStatus.Failed, r.Status);
        Assert.Equal(9, r.Signal);
    }

    [Fact]
    public void ASucceededCommand_HasNoSignal()
    {
        var r = Run(new RunOptions(), new[] { Sh("exit 0") }).Results.Single();
        Assert.Equal(CommandStatus.Succeeded, r.Status);
        Assert.Equal(0, r.ExitCode);
        Assert.Null(r.Signal);
    }

    [Fact]
    public void EachCommandLeadsItsOwnProcessGroup_SoTheTerminalsCtrlCDoesNotReachIt()
    {
        UnixOnly();
        if (!File.Exists("/proc/self/stat")) Assert.Skip("needs /proc to read the process group");
        var (results, _) = Run(new RunOptions { ThrottleLimit = 2 }, new[] { Sh("cat /proc/$$/stat"), Sh("cat /proc/$$/stat") });
        string own = File.ReadAllText("/proc/self/stat");
        int ownGroup = Group(own);
        foreach (var r in results)
        {
            int group = Group(r.Output.Single());
            Assert.Equal(r.ProcessId, group);
            Assert.NotEqual(ownGroup, group);
        }
    }

    /// <summary>The process group: the third field after the command name in /proc/PID/stat.</summary>
    private static int Group(string stat) => int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2]);

    [Fact]
    public void ACommandStartsWithNoSignalBlockedOrIgnored_SoSigpipeEndsAWriterAsInAShell()
    {
        UnixOnly();
        if (!File.Exists("/proc/self/status")) Assert.Skip("needs /proc to read signal masks");
        // .NET ignores SIGPIPE in this process; a command must not inherit that. (Signals 32 and 33 are
        // glibc's own, which its posix_spawn leaves ignored in every child; only 1-31 are checked.)
        var r = Run(new RunOptions(), new[] { Sh("grep -E '^Sig(Blk|Ign):' /proc/self/status") }).Results.Single();
        var masks = r.Output.ToDictionary(l => l.Split(':')[0], l => Convert.ToUInt64(l.Split('\t')[1], 16) & 0x7FFFFFFFUL);
        Assert.Equal(0UL, masks["SigBlk"]);
        Assert.Equal(0UL, masks["SigIgn"]);
        // And so a writer whose reader is gone ends quietly by SIGPIPE, as in a shell (ignoring it, yes
        // would see EPIPE and complain on stderr).
        var pipe = Run(new RunOptions(), new[] { Sh("yes | head -n 1") }).Results.Single();
        Assert.Equal(new[] { "y" }, pipe.Output);
        Assert.Empty(pipe.Error);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void StartFailures_SayWhatIsWrong()
    {
        UnixOnly();
        using var dir = new TempDir();
        string notExecutable = dir.Combine("data.txt");
        File.WriteAllText(notExecutable, "x");
        string badInterpreter = dir.Combine("script.sh");
        File.WriteAllText(badInterpreter, "#!/no/such/interpreter\necho hi\n");
        File.SetUnixFileMode(badInterpreter, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        var specs = new[]
        {
            CommandSpec.Program(dir.Combine("missing")),
            CommandSpec.Program("no-such-program-pj"),
            CommandSpec.Program(notExecutable),
            CommandSpec.Program(dir.Path),
            CommandSpec.Program(badInterpreter),
        };
        var byIndex = Run(new RunOptions { ThrottleLimit = 2 }, specs).Results.ToDictionary(r => r.Index);
        Assert.All(byIndex.Values, r => Assert.Equal(CommandStatus.FailedToStart, r.Status));
        Assert.All(byIndex.Values, r => Assert.Equal(0, r.ProcessId));
        Assert.Equal($"Cannot start '{dir.Combine("missing")}': No such file or directory.", byIndex[0].Reason);
        Assert.Equal("Cannot start 'no-such-program-pj': no such program in any directory of PATH.", byIndex[1].Reason);
        Assert.Equal($"Cannot start '{notExecutable}': Permission denied.", byIndex[2].Reason);
        Assert.Equal($"Cannot start '{dir.Path}': it is a directory.", byIndex[3].Reason);
        Assert.Equal($"Cannot start '{badInterpreter}': its interpreter '/no/such/interpreter' (on its #! line) does not exist.", byIndex[4].Reason);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void ARelativeProgramPath_IsTakenFromTheWorkingDirectory_AndPathComesFromTheCommandsEnvironment()
    {
        UnixOnly();
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("bin"));
        foreach (var name in new[] { "tool", "bin/other" })
        {
            File.WriteAllText(dir.Combine(name), $"#!/bin/sh\necho {name} \"$@\"\n");
            File.SetUnixFileMode(dir.Combine(name), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var options = new RunOptions { ThrottleLimit = 1, WorkingDirectory = dir.Path };
        options.Environment["PATH"] = dir.Combine("bin") + ":/usr/bin:/bin";
        var byIndex = Run(options, new[] { CommandSpec.Program("./tool", new[] { "a b" }), CommandSpec.Program("other") }).Results.ToDictionary(r => r.Index);
        Assert.Equal(new[] { "tool a b" }, byIndex[0].Output);
        Assert.Equal(new[] { "bin/other" }, byIndex[1].Output);
    }

    [Fact]
    public void TheFallbackLauncher_StillRunsCommands_WithTheExitCodeAsDotNetReportsIt()
    {
        UnixOnly();
        var options = new RunOptions { ThrottleLimit = 2, Launcher = new DotNetProcessLauncher() };
        var byIndex = Run(options, new[] { Sh("echo hi"), Sh("kill -9 $$"), CommandSpec.Program("no-such-program-pj") }).Results.ToDictionary(r => r.Index);
        Assert.Equal(new[] { "hi" }, byIndex[0].Output);
        Assert.Equal(137, byIndex[1].ExitCode);
        Assert.Null(byIndex[1].Signal); // not knowable through .NET's Process
        Assert.Contains("killed by signal 9 (SIGKILL)?", byIndex[1].Reason);
        Assert.Equal(CommandStatus.FailedToStart, byIndex[2].Status);
        Assert.Contains("no-such-program-pj", byIndex[2].Reason);
    }
}
