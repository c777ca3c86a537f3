using System.Text;
using ParallelJobs.Processes;
using ParallelJobs.Remote;

namespace ParallelJobs.Engine.Tests.Remote;

/// <summary>
/// Remote commands through the system ssh client against the real loopback sshd hosts
/// (tests/infra/ssh-hosts.sh): one sshd per address, so a test can kill one host alone.
/// </summary>
[Collection(nameof(SshHostsGroup))]
public class RemoteExecutionTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>A command started through the run's own SSH launcher, its stdout and stderr read to their ends.</summary>
    private sealed class Remote : IDisposable
    {
        private readonly MemoryStream _out = new(), _err = new();
        private readonly Task _reading;

        public Remote(SshConnections ssh, string host, IReadOnlyList<string> argv, double graceSeconds, string? dir, IDictionary<string, string?>? env)
        {
            var request = new ProcessStartRequest(argv[0], argv.Skip(1).ToList()) { WorkingDirectory = dir };
            foreach (var kv in env ?? new Dictionary<string, string?>()) request.Environment.Add(kv);
            Process = (RemoteLaunchedProcess)new SshLauncher(ssh, SshHost.Parse(host), TimeSpan.FromSeconds(graceSeconds)).Start(request);
            _reading = Task.WhenAll(Task.Run(() => Process.StandardOutput.CopyTo(_out)), Task.Run(() => Process.StandardError.CopyTo(_err)));
        }

        public RemoteLaunchedProcess Process { get; }
        /// <summary>True once the wrapper reported the remote group (the process's Id is then the remote command's).</summary>
        public bool StartedRemotely => Process.RemoteGroupId.HasValue;
        public string OutText { get { Assert.True(_reading.Wait(Deadline)); return Encoding.UTF8.GetString(_out.ToArray()); } }
        public string ErrText { get { Assert.True(_reading.Wait(Deadline)); return Encoding.UTF8.GetString(_err.ToArray()); } }

        public async Task<ProcessExit> Exit()
        {
            var exit = await Process.Exited.WaitAsync(Deadline, TestContext.Current.CancellationToken);
            await _reading.WaitAsync(Deadline, TestContext.Current.CancellationToken);
            return exit;
        }

        public void KillClient() => System.Diagnostics.Process.GetProcessById(Process.ClientProcessId).Kill();

        public void Dispose() => Process.Dispose();
    }

    private static SshConnections Connections(bool share = true) =>
        new(new SshSettings { ConfigFile = SshTestHosts.ConfigFile, ShareConnections = share });

    private static (ProcessExit Exit, Remote Output) RunOn(SshConnections ssh, string host, IReadOnlyList<string> argv,
        string? dir = null, IDictionary<string, string?>? env = null)
    {
        var remote = new Remote(ssh, host, argv, 2, dir, env);
        var exit = remote.Exit().GetAwaiter().GetResult();
        remote.Dispose();
        return (exit, remote);
    }

    private static Remote StartOn(SshConnections ssh, string host, IReadOnlyList<string> argv, double graceSeconds = 2) =>
        new(ssh, host, argv, graceSeconds, null, null);

    private static int AwaitRemotePid(Remote remote)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!remote.StartedRemotely)
        {
            if (remote.Process.Exited.IsCompleted) Assert.Fail("ended before it started: " + remote.Process.Exited.Result.TransportFailure);
            if (watch.Elapsed > Deadline) Assert.Fail("no remote pid within the deadline");
            Thread.Sleep(10);
        }
        return remote.Process.RemoteGroupId!.Value;
    }

    [Fact]
    public void ACommand_RunsOnTheNamedHost()
    {
        SshTestHosts.Require();
        using var ssh = Connections();
        var (outcome, output) = RunOn(ssh, "127.0.0.2", RemoteWrapper.ShellLine("echo \"$SSH_CONNECTION\"; id -un"));
        Assert.Null(outcome.TransportFailure);
        Assert.Equal(0, outcome.ExitCode);
        var lines = output.OutText.Split('\n');
        Assert.Equal("127.0.0.2", lines[0].Split(' ')[2]);
        Assert.Equal("pjtest", lines[1]);
        Assert.Equal("", output.ErrText);
    }

    [Theory]
    [InlineData("exit 0", 0, null)]
    [InlineData("exit 1", 1, null)]
    [InlineData("exit 42", 42, null)]
    // 255 is also ssh's own failure status: the exit marker tells the command's 255 apart.
    [InlineData("exit 255", 255, null)]
    // An exit with a code above 128 is not a signal, and a signal is one, as locally.
    [InlineData("exit 137", 137, null)]
    [InlineData("exit 143", 143, null)]
    [InlineData("kill -s USR1 $$", 128 + 10, 10)]
    [InlineData("kill -s KILL $$", 128 + 9, 9)]
    [InlineData("kill -s TERM $$", 128 + 15, 15)]
    public void ExitStatusesAndSignals_ComeBackExactly(string line, int expected, int? signal)
    {
        SshTestHosts.Require();
        RequirePerlOnTheHosts();
        using var ssh = Connections();
        var (outcome, output) = RunOn(ssh, "127.0.0.3", RemoteWrapper.ShellLine(line));
        Assert.Null(outcome.TransportFailure);
        Assert.Equal(expected, outcome.ExitCode);
        Assert.Equal(signal, outcome.Signal);
        // perl on the host waits for the command and reports its real wait status.
        Assert.True(outcome.Exact);
        Assert.Equal("", output.ErrText);
    }

    [Theory]
    // Without perl, setsid makes the group; without either, the command runs in the wrapper's group.
    [InlineData("setsid")]
    [InlineData("")]
    public void WithoutPerl_TheShellsStatusComesBack_ASignalAs128PlusN_NotToldApartFromThatExitCode(string tool)
    {
        SshTestHosts.Require();
        using var dir = new TempDir();
        // The test user of the hosts must be able to use it.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        // A PATH where the wrapper finds no perl (the hosts are this machine, so the folder is there too).
        foreach (var program in new[] { "sleep", tool }.Where(t => t.Length > 0))
            File.CreateSymbolicLink(Path.Combine(dir.Path, program), SshTestHosts.Run("/bin/sh", "-c", "command -v " + program).Output.Trim());
        var env = new Dictionary<string, string?> { ["PATH"] = dir.Path };
        using var ssh = Connections();
        foreach (var (line, code) in new[] { ("kill -s KILL $$", 137), ("exit 137", 137), ("exit 3", 3) })
        {
            var (outcome, output) = RunOn(ssh, "127.0.0.2", RemoteWrapper.ShellLine(line), null, env);
            Assert.Null(outcome.TransportFailure);
            Assert.Equal(code, outcome.ExitCode);
            Assert.Null(outcome.Signal);
            Assert.False(outcome.Exact);
            Assert.Equal("", output.ErrText);
        }
    }

    /// <summary>The hosts are this machine: perl there is perl here (Debian's perl-base is essential, so CI has it).</summary>
    private static void RequirePerlOnTheHosts()
    {
        if (File.Exists("/usr/bin/perl") || File.Exists("/bin/perl")) return;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail("CI=true, so perl must be on the SSH test hosts (Debian's perl-base is essential)");
        Assert.Skip("no perl on the SSH test hosts: signals then read as 128 + n, as the other test shows");
    }

    [Fact]
    public void HostileArguments_ArriveByteExact()
    {
        SshTestHosts.Require();
        using var ssh = Connections();
        var values = RemoteWrapperTests.HostileValues;
        var argv = new List<string> { "/bin/sh", "-c", "printf '%s\\0' \"$@\"", "sh" };
        argv.AddRange(values);
        var (outcome, output) = RunOn(ssh, "127.0.0.2", argv);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(values, output.OutText.Split('\0').SkipLast(1));
        Assert.Equal("", output.ErrText);
    }

    [Fact]
    public void HostileValues_QuotedIntoAShellLine_ArriveByteExact()
    {
        // As a replacement token does: each value quoted once for the command's own shell.
        SshTestHosts.Require();
        using var ssh = Connections();
        var values = RemoteWrapperTests.HostileValues;
        string line = "printf '%s\\0' " + string.Join(" ", values.Select(PosixShellQuoter.Quote));
        var (outcome, output) = RunOn(ssh, "127.0.0.2", RemoteWrapper.ShellLine(line));
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(values, output.OutText.Split('\0').SkipLast(1));
    }

    [Fact]
    public void StdoutAndStderr_StayApart_AndStderrIsExactWithoutMarkers()
    {
        SshTestHosts.Require();
        using var ssh = Connections();
        var (outcome, output) = RunOn(ssh, "127.0.0.1",
            RemoteWrapper.ShellLine("printf 'o1\\n'; printf 'e1\\ne2 no newline' >&2; printf 'o2'; exit 3"));
        Assert.Equal(3, outcome.ExitCode);
        Assert.Equal("o1\no2", output.OutText);
        Assert.Equal("e1\ne2 no newline", output.ErrText);
    }

    [Fact]
    public void EnvironmentAndWorkingDirectory_AreAppliedRemotely()
    {
        SshTestHosts.Require();
        using var ssh = Connections();
        var env = new Dictionary<string, string?> { ["PJ_VALUE"] = "a 'b' $(c)\n", ["PARALLELJOBS_SLOT"] = "1" };
        var (outcome, output) = RunOn(ssh, "127.0.0.2", RemoteWrapper.ShellLine("printf '%s|%s|%s' \"$PJ_VALUE\" \"$PARALLELJOBS_SLOT\" \"$(pwd)\""), "/tmp", env);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("a 'b' $(c)\n|1|/tmp", output.OutText);

        var (missing, _) = RunOn(ssh, "127.0.0.2", RemoteWrapper.ShellLine("true"), "/no/such/dir");
        Assert.Contains("'/no/such/dir' does not exist there", missing.StartFailure);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task KillingTheLocalSshClient_StopsTheWholeRemoteTree(bool shareConnections)
    {
        SshTestHosts.Require();
        using var ssh = Connections(shareConnections);
        string marker = RemoteProcessProbe.NewMarker();
        using var remote = StartOn(ssh, "127.0.0.2",
            RemoteWrapper.ShellLine($"sh -c 'sleep 1000; true' {marker}-a & sh -c 'sh -c \"sleep 1000; true\" {marker}-c; true' {marker}-b & wait"));
        int pgid = AwaitRemotePid(remote);
        RemoteProcessProbe.AwaitGroupSize(pgid, 6 + RemoteProcessProbe.Waiters, Deadline);

        remote.KillClient();
        await remote.Exit();
        RemoteProcessProbe.AssertAllGone(marker, pgid, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Stop_ClosesTheLifeline_TheRemoteGroupStops_AndTheStatusComesBack()
    {
        SshTestHosts.Require();
        using var ssh = Connections();
        string marker = RemoteProcessProbe.NewMarker();
        using var remote = StartOn(ssh, "127.0.0.3", RemoteWrapper.ShellLine($"sh -c 'sleep 1000; true' {marker} & wait"));
        int pgid = AwaitRemotePid(remote);
        RemoteProcessProbe.AwaitRunning(marker, Deadline);

        remote.Process.Stop(TimeSpan.FromSeconds(2));
        var outcome = await remote.Exit();
        Assert.Null(outcome.TransportFailure);
        Assert.Equal(128 + 15, outcome.ExitCode);
        RemoteProcessProbe.AssertAllGone(marker, pgid, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void OneConnectionPerHost_IsReusedByEveryCommand()
    {
        SshTestHosts.Require();
        string log = SshTestHosts.HostLog("127.0.0.1");
        int Accepted() => File.ReadAllLines(log).Count(l => l.Contains("Accepted publickey"));

        using var ssh = Connections();
        var host = SshHost.Parse("127.0.0.1");
        int before = Accepted();
        var check = ssh.Check(host, Deadline);
        Assert.True(check.IsReachable, check.Reason);
        // 20 commands, four at a time.
        Parallel.For(0, 20, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var (outcome, output) = RunOn(ssh, "127.0.0.1", RemoteWrapper.ShellLine("echo " + i));
            Assert.Equal(0, outcome.ExitCode);
            Assert.Equal(i + "\n", output.OutText);
        });
        Assert.Equal(1, Accepted() - before);
        Assert.Equal(0, SshTestHosts.Run("ssh", ssh.ControlArguments(host, "check").ToArray()).ExitCode);
    }

    [Fact]
    public async Task AKilledHost_IsAHostFailure_NotACommandFailure_BeforeAndDuringACommand()
    {
        SshTestHosts.Require();
        const string address = "127.0.0.3";
        int port = SshTestHosts.Port + 2;
        string host = address + ":" + port;
        SshTestHosts.RunScript("start-host", address, port.ToString());
        try
        {
            using var ssh = Connections();
            Assert.True(ssh.Check(SshHost.Parse(host), Deadline).IsReachable);

            // The host dies while a command runs on it.
            string marker = RemoteProcessProbe.NewMarker();
            using var remote = StartOn(ssh, host, RemoteWrapper.ShellLine($"echo started; sh -c 'sleep 1000; true' {marker} & wait"));
            int pgid = AwaitRemotePid(remote);
            RemoteProcessProbe.AwaitRunning(marker, Deadline);
            SshTestHosts.RunScript("stop-host", address, port.ToString());

            var during = await remote.Exit();
            Assert.True(remote.StartedRemotely);
            Assert.Contains("may have run in part", during.TransportFailure);
            // Its sshd is gone, and so is the command: the wrapper saw its lifeline end.
            RemoteProcessProbe.AssertAllGone(marker, pgid, TimeSpan.FromSeconds(15));

            // A new command on the dead host.
            var (after, notStarted) = RunOn(ssh, host, RemoteWrapper.ShellLine("echo should not run"));
            Assert.False(notStarted.StartedRemotely);
            Assert.Contains("Connection refused", after.TransportFailure);
            var recheck = ssh.Check(SshHost.Parse(host), Deadline);
            Assert.False(recheck.IsReachable);
            Assert.Contains("Connection refused", recheck.Reason);
        }
        finally
        {
            SshTestHosts.RunScript("stop-host", address, port.ToString());
        }
    }
}
