using ParallelJobs.Processes;
using ParallelJobs.Remote;
using ParallelJobs.Scheduling;

namespace ParallelJobs.Engine.Tests.Windows;

/// <summary>
/// The Windows wrapper's command strings run as Win32-OpenSSH runs them (<see cref="SimulatedSshSession"/>: the
/// default shell with -c or /c, pipes, the session's job object), under cmd.exe and under PowerShell: output, pid
/// and exit code come back through the markers, values reach the program whole, a missing directory is reported,
/// and the channel's end of file leaves no process of the command's tree. No Windows sshd exists on this machine,
/// so this is a simulation of what sshd does, not a test against one.
///
/// The PowerShell is the Windows lane's pwsh.exe (tests/windows-host, PowerShell 7.6; Wine has no powershell.exe),
/// named by PARALLELJOBS_LANE_PWSH; the wrapper's choice of PowerShell is internal for that reason.
/// </summary>
[Trait("Platform", "Windows")]
[Collection("Windows processes")]
public class WindowsSshSessionTests
{
    private const string Nonce = "PJ-0123456789abcdef01234567";
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(120); // PowerShell's start under Wine takes seconds

    public static TheoryData<string> Shells => new() { nameof(RemoteShell.WindowsCmd), nameof(RemoteShell.WindowsPowerShell) };

    private static string Pwsh()
    {
        WindowsOnly.Require();
        string? pwsh = Environment.GetEnvironmentVariable("PARALLELJOBS_LANE_PWSH");
        if (string.IsNullOrEmpty(pwsh) || !File.Exists(pwsh))
            Assert.Skip("no PowerShell for the simulated Windows SSH host: PARALLELJOBS_LANE_PWSH names the Windows lane's pwsh.exe (tests/infra/windows-lane.sh sets it)");
        return pwsh!;
    }

    private static SimulatedSshSession Start(string shellName, string script)
    {
        string pwsh = Pwsh();
        var shell = Enum.Parse<RemoteShell>(shellName);
        string command = WindowsRemoteWrapper.Command(shell, script, pwsh);
        return new SimulatedSshSession(shell == RemoteShell.WindowsCmd ? SimulatedSshSession.Cmd(command) : SimulatedSshSession.PowerShell(pwsh, command), Nonce);
    }

    private static string ScriptFor(LaunchInfo launch, string? dir = null, IEnumerable<KeyValuePair<string, string?>>? env = null, RemoteStdin stdin = RemoteStdin.Lifeline)
    {
        Assert.Null(launch.Refused);
        return WindowsRemoteWrapper.ScriptFor(Nonce, stdin, dir, env ?? Array.Empty<KeyValuePair<string, string?>>(), launch.FileName,
            launch.WindowsArguments ?? WindowsCommandLine.Join(launch.Arguments));
    }

    private static LaunchInfo Line(string line, string? input = null) => CommandSpec.Shell(line, input).Resolve(0, 0, windows: true, comspec: "cmd.exe");

    [Theory]
    [MemberData(nameof(Shells))]
    public void OutputPidAndExitCode_ComeBackThroughTheMarkers(string shell)
    {
        // The command prints its own pid: PowerShell's $PID, the program itself (not cmd.exe) being the command here.
        string pwsh = Pwsh();
        var launch = CommandSpec.Program(pwsh, new[] { "-NoProfile", "-NonInteractive", "-c", "[Console]::Out.Write($PID); [Console]::Error.Write('to stderr'); exit 7" }).Resolve(0, 0, windows: true, comspec: "cmd.exe");
        using var session = Start(shell, ScriptFor(launch));
        var (o, e) = session.Finish(Slow);
        Assert.Equal(7, session.Filter.Exit!.Value.ExitCode);
        Assert.True(session.Filter.Exit!.Value.Exact);
        Assert.Equal(o.Trim(), session.Filter.RemotePid!.Value.ToString());
        Assert.Equal("to stderr", e);
        Assert.Equal(7, session.ShellExitCode);
    }

    [Fact]
    public void HostileValues_ReachTheProgramWhole_AndRunNoCode()
    {
        // One cmd.exe line echoing each value, quoted by WindowsCmdQuoter through CommandSpec as for a local command;
        // the values cmd.exe cannot carry (%, line breaks) are refused before anything starts (CmdQuotingTests).
        var values = CmdQuotingTests.Hostile
            .Where(v => !(WindowsOnly.UnderWine && v.Contains('<')) && v.All(c => c < 128)).ToList();
        using var dir = new TempDir();
        string line = string.Join(" & ", values.Select((_, i) => "echo {" + (i + 1) + "}"));
        var input = CommandInput.Multiple(values);
        var launch = CommandSpec.Shell(line, input).Resolve(0, 0, windows: true, comspec: "cmd.exe");
        var env = new[] { new KeyValuePair<string, string?>("PJ_HOSTILE", "a & b | c \"d\" 'e' %f% ^g"), new KeyValuePair<string, string?>("PJ_ENV_GONE", null) };
        using var session = Start(nameof(RemoteShell.WindowsCmd), ScriptFor(launch, dir.Path, env));
        var (o, e) = session.Finish(Slow);
        Assert.Equal("", e);
        Assert.Equal(0, session.Filter.Exit!.Value.ExitCode);
        var echoed = o.Replace("\r", "").Split('\n').SkipLast(1).ToList();
        Assert.Equal(values.Count, echoed.Count);
        for (int i = 0; i < values.Count; i++)
            Assert.Equal(new[] { values[i] }, CmdExeTests.CommandLineToArgs("x " + echoed[i]).Skip(1));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Theory]
    [MemberData(nameof(Shells))]
    public void EnvironmentAndWorkingDirectory_AreApplied_AndAMissingDirectoryIsReported(string shell)
    {
        using var dir = new TempDir();
        string sub = Path.Combine(dir.Path, "a dir & (more)");
        Directory.CreateDirectory(sub);
        // A prefix of this test's own: `set PREFIX` lists every variable that starts with it, and .ci/run exports
        // PJ_SSH_CONFIG and PJ_SSH_HOSTS, which `set PJ_` listed too (the lane failed so inside .ci/run only).
        var env = new[] { new KeyValuePair<string, string?>("PJSESSIONTEST_A", "it's \"x\" & y"), new KeyValuePair<string, string?>("PJSESSIONTEST_GONE", null) };
        Environment.SetEnvironmentVariable("PJSESSIONTEST_GONE", "inherited");
        try
        {
            // set lists the entries as cmd.exe sees them, without expanding anything.
            using (var session = Start(shell, ScriptFor(Line("cd & set PJSESSIONTEST_"), sub, env)))
            {
                var (o, _) = session.Finish(Slow);
                Assert.Equal(new[] { sub, "PJSESSIONTEST_A=it's \"x\" & y" }, o.Replace("\r", "").Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }
            string marker = Path.Combine(dir.Path, "ran");
            using (var session = Start(shell, ScriptFor(Line("echo x > \"" + marker + "\""), Path.Combine(dir.Path, "no such dir"))))
            {
                session.Finish(Slow);
                Assert.True(session.Filter.NoDirectory);
                Assert.Null(session.Filter.RemotePid);
                Assert.Equal(126, session.ShellExitCode);
                Assert.False(File.Exists(marker));
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("PJSESSIONTEST_GONE", null);
        }
    }

    [Theory]
    [InlineData(nameof(RemoteShell.WindowsCmd), 606)]
    [InlineData(nameof(RemoteShell.WindowsPowerShell), 607)]
    public void TheChannelsEndOfFile_EndsTheCommand_AndLeavesNoProcessOfItsTree(string shell, int count)
    {
        // cmd.exe -> cmd.exe -> ping: the wrapper kills the command, exits, and the session's job takes the rest.
        var before = WindowsOnly.Pings();
        using var session = Start(shell, ScriptFor(Line($"cmd /d /c ping -n {count} 127.0.0.1")));
        int pid = session.AwaitPid(Slow)!.Value;
        var deadline = DateTime.UtcNow + Slow;
        while (!WindowsOnly.Pings().Except(before).Any() && DateTime.UtcNow < deadline) Thread.Sleep(50);
        var pings = WindowsOnly.Pings().Except(before).ToList();
        Assert.NotEmpty(pings);
        Assert.True(WindowsOnly.IsAlive(pid));

        session.CloseInput();
        session.Finish(TimeSpan.FromSeconds(60));
        Assert.NotNull(session.Filter.Exit); // how it ended still comes back, for a local stop
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((pings.Any(WindowsOnly.IsAlive) || WindowsOnly.IsAlive(pid)) && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.False(WindowsOnly.IsAlive(pid), "the command outlived the channel");
        Assert.All(pings, p => Assert.False(WindowsOnly.IsAlive(p), $"ping {p} outlived the channel"));
    }

    [Theory]
    [MemberData(nameof(Shells))]
    public void TheShellProbe_AndTheCheck_AnswerAsTheStartUpCheckExpects(string shell)
    {
        string pwsh = Pwsh();
        var expected = Enum.Parse<RemoteShell>(shell);
        string probe = WindowsRemoteWrapper.ShellProbe(Nonce);
        using (var session = new SimulatedSshSession(expected == RemoteShell.WindowsCmd ? SimulatedSshSession.Cmd(probe) : SimulatedSshSession.PowerShell(pwsh, probe), Nonce))
        {
            session.CloseInput(); // the check's input ends at once
            var (o, _) = session.Finish(Slow);
            Assert.Equal(expected, WindowsRemoteWrapper.ShellFromProbe(Nonce, o));
        }
        var (file, arguments) = WindowsRemoteWrapper.ProcessorCount;
        string script = WindowsRemoteWrapper.ScriptFor(Nonce, RemoteStdin.Forward, null, Array.Empty<KeyValuePair<string, string?>>(), file, arguments);
        using (var session = Start(shell, script))
        {
            session.CloseInput();
            var (o, _) = session.Finish(Slow);
            Assert.Equal(0, session.Filter.ExitStatus);
            Assert.Equal(Environment.ProcessorCount.ToString(), o.Trim());
        }
    }
}
