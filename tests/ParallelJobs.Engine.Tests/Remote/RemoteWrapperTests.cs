using System.Diagnostics;
using System.Text;
using ParallelJobs.Remote;

namespace ParallelJobs.Engine.Tests.Remote;

/// <summary>
/// The remote wrapper without ssh: its command string is handed to a shell exactly as sshd hands it to the
/// login shell ("shell -c string", pipes for stdin, stdout and stderr), under dash and under bash.
/// </summary>
public class RemoteWrapperTests
{
    private const string Nonce = "PJ-feedfacefeedfacefeedface";

    public static TheoryData<string> LoginShells => new() { "dash", "bash" };

    private sealed class Run : IDisposable
    {
        private readonly Process _process;
        private readonly MemoryStream _out = new(), _err = new();
        private readonly Task _outDone, _errDone;
        public readonly RemoteMarkerFilter Filter = new(Nonce);
        private readonly TaskCompletionSource _pid = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Run(string shell, string command)
        {
            SkipUnless(shell);
            var psi = new ProcessStartInfo(shell) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(command);
            _process = Process.Start(psi)!;
            _outDone = _process.StandardOutput.BaseStream.CopyToAsync(_out);
            _errDone = Task.Run(async () =>
            {
                var buffer = new byte[4096];
                int n;
                while ((n = await _process.StandardError.BaseStream.ReadAsync(buffer)) > 0)
                {
                    lock (_err) Filter.Feed(buffer, 0, n, (b, o, c) => _err.Write(b, o, c));
                    if (Filter.RemotePid.HasValue) _pid.TrySetResult();
                }
                lock (_err) Filter.Complete((b, o, c) => _err.Write(b, o, c));
            });
        }

        public Stream Input => _process.StandardInput.BaseStream;
        public void CloseInput() => _process.StandardInput.Close();
        public void CloseOutputs()
        {
            _process.StandardOutput.BaseStream.Dispose();
            _process.StandardError.BaseStream.Dispose();
        }

        public int AwaitPid()
        {
            Assert.True(_pid.Task.Wait(TimeSpan.FromSeconds(30)), "the wrapper reported no pid");
            return Filter.RemotePid!.Value;
        }

        public (byte[] Out, byte[] Err, int WrapperExit) Finish()
        {
            Assert.True(_process.WaitForExit(30_000), "the wrapper did not end");
            // Left-over processes holding the pipes would keep them open: bounded, so a failure cannot hang.
            Assert.True(Task.WaitAll(new[] { _outDone, _errDone }, TimeSpan.FromSeconds(30)), "the wrapper's output pipes stayed open");
            return (_out.ToArray(), _err.ToArray(), _process.ExitCode);
        }

        public bool HasExited => _process.HasExited;

        public void Dispose()
        {
            try { if (!_process.HasExited) _process.Kill(true); } catch (InvalidOperationException) { }
            // Whatever a failed test left in the command's group is not the wrapper's child any more.
            if (Filter.RemotePid is int pgid) SshTestHosts.Run("kill", "-s", "KILL", "--", "-" + pgid);
            _process.Dispose();
        }
    }

    private static void SkipUnless(string shell)
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("the remote wrapper is a POSIX sh script");
        if (!File.Exists("/bin/" + shell) && !File.Exists("/usr/bin/" + shell)) Assert.Skip(shell + " is not installed");
    }

    private static string Command(RemoteStdin stdin, IReadOnlyList<string> argv, string? dir = null,
        IEnumerable<KeyValuePair<string, string?>>? env = null, double graceSeconds = 2) =>
        RemoteWrapper.Command(Nonce, stdin, TimeSpan.FromSeconds(graceSeconds), dir, env ?? new Dictionary<string, string?>(), argv);

    private static string Text(byte[] b) => Encoding.UTF8.GetString(b);

    [Theory]
    [MemberData(nameof(LoginShells))]
    public void ExitStatus_AndStderr_ComeBackExactly(string shell)
    {
        using var run = new Run(shell, Command(RemoteStdin.Lifeline, RemoteWrapper.ShellLine("echo out; printf 'err without newline' >&2; exit 7")));
        var (o, e, wrapperExit) = run.Finish();
        Assert.Equal("out\n", Text(o));
        Assert.Equal("err without newline", Text(e));
        Assert.Equal(7, run.Filter.ExitStatus);
        Assert.Equal(7, wrapperExit);
    }

    [Theory]
    [MemberData(nameof(LoginShells))]
    public void ASignal_IsReportedAs128PlusItsNumber(string shell)
    {
        using var run = new Run(shell, Command(RemoteStdin.Lifeline, RemoteWrapper.ShellLine("kill -s USR1 $$; sleep 5")));
        run.Finish();
        Assert.Equal(128 + 10, run.Filter.ExitStatus);
        // With perl (here, as on the test hosts), the real wait status: the signal itself.
        Assert.True(run.Filter.Waited);
        Assert.Equal(10, run.Filter.Exit!.Value.Signal);
        Assert.True(run.Filter.Exit!.Value.Exact);
    }

    [Theory]
    [MemberData(nameof(LoginShells))]
    public void AnExitCodeAbove128_IsNotASignal_AndASignalIs(string shell)
    {
        using (var exited = new Run(shell, Command(RemoteStdin.Lifeline, RemoteWrapper.ShellLine("exit 137"))))
        {
            exited.Finish();
            Assert.Equal((137, (int?)null, true), (exited.Filter.Exit!.Value.ExitCode!.Value, exited.Filter.Exit!.Value.Signal, exited.Filter.Exit!.Value.Exact));
        }
        using var killed = new Run(shell, Command(RemoteStdin.Lifeline, RemoteWrapper.ShellLine("kill -s KILL $$")));
        killed.Finish();
        Assert.Equal((137, (int?)9, true), (killed.Filter.Exit!.Value.ExitCode!.Value, killed.Filter.Exit!.Value.Signal, killed.Filter.Exit!.Value.Exact));
    }

    [Theory]
    [MemberData(nameof(LoginShells))]
    public void TheCommand_RunsInAProcessGroupOfItsOwn_WhoseLeaderThePidMarkerNames(string shell)
    {
        using var run = new Run(shell, Command(RemoteStdin.Lifeline, RemoteWrapper.ShellLine("echo $$ $(ps -o pgid= -p $$)")));
        var (o, _, _) = run.Finish();
        var words = Text(o).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // The group's leader is the waiter (perl, here), whose child the command is and names ("cpid").
        Assert.Equal(run.Filter.RemotePid.ToString(), words[1]);
        Assert.Equal(run.Filter.CommandPid.ToString(), words[0]);
        Assert.NotEqual(words[0], words[1]);
        // Not the wrapper's group (the wrapper stays in this test's group).
        string ours = SshTestHosts.Run("ps", "-o", "pgid=", "-p", Environment.ProcessId.ToString()).Output.Trim();
        Assert.NotEqual(ours, words[1]);
    }

    internal static readonly string[] HostileValues =
    {
        "it's", "\"double\"", "$(touch /tmp/pj-pwned)", "`id`", "a\nb\n", " lead and trail ", "*", "?", "[a]",
        "~", "$HOME", "\\", "\\\\'\"", "tab\there", "ünïcödé ✓ 日本", "-n", "--", ";", "&&", "|", ">x", "",
        "'", "'\\''", "\r\n",
    };

    [Theory]
    [MemberData(nameof(LoginShells))]
    public void HostileArguments_ArriveByteExact(string shell)
    {
        var values = HostileValues.ToList();
        var argv = new List<string> { "/bin/sh", "-c", "printf '%s\\0' \"$@\"", "sh" };
        argv.AddRange(values);
        using var run = new Run(shell, Command(RemoteStdin.Lifeline, argv));
        var (o, e, _) = run.Finish();
        Assert.Equal("", Text(e));
        Assert.Equal(0, run.Filter.ExitStatus);
        Assert.Equal(values, Text(o).Split('\0').SkipLast(1));
        Assert.False(File.Exists("/tmp/pj-pwned"));
    }

    [Theory]
    [MemberData(nameof(LoginShells))]
    public void EnvironmentEntries_NamedLikeShellVariables_ReachTheCommand_AndLeaveTheWrapperWhole(string shell)
    {
        // One-letter names (the wrapper once used them for its own state: an entry n replaced its marker prefix,
        // so no end was ever reported) and IFS with digits, which the wrapper's shell takes (its unquoted pids would
        // split) while the command's sh starts with the default IFS, as every shell does.
        var names = "abcdefghijklmnopqrstuvwxyz".Select(c => c.ToString()).ToList();
        var env = names.ToDictionary(n => n, n => (string?)("v-" + n));
        env["IFS"] = "0123456789";
        string dir = Path.GetTempPath().TrimEnd('/');
        string print = string.Join(" ", names.Select(n => "\"$" + n + "\""));
        using var run = new Run(shell, Command(RemoteStdin.Lifeline, RemoteWrapper.ShellLine($"printf '%s ' {print}; exit 3"), dir, env));
        var (o, e, wrapperExit) = run.Finish();
        Assert.Equal(string.Join("", names.Select(n => "v-" + n + " ")), Text(o));
        Assert.Equal("", Text(e));
        Assert.Equal(3, run.Filter.ExitStatus);
        Assert.Equal(3, run.Filter.Exit!.Value.ExitCode);
        Assert.Equal(3, wrapperExit);
        Assert.Throws<ArgumentException>(() => Command(RemoteStdin.Lifeline, RemoteWrapper.ShellLine("true"), null,
            new Dictionary<string, string?> { ["__pj_n"] = "x" }));
    }

    [Theory]
    [MemberData(nameof(LoginShells))]
    public void Environment_IsSetAndRemoved_AndTheWorkingDirectoryApplied(string shell)
    {
        string dir = Path.Combine(Path.GetTempPath(), "pj wd '" + Guid.NewGuid().ToString("N") + "' $x");
        Directory.CreateDirectory(dir);
        try
        {
            var env = new Dictionary<string, string?> { ["PJ_A"] = "it's $(id) `x`\nline2", ["PJ_EMPTY"] = "", ["HOME"] = null };
            using var run = new Run(shell, Command(RemoteStdin.Lifeline,
                RemoteWrapper.ShellLine("printf '%s|%s|%s|%s' \"$PJ_A\" \"${PJ_EMPTY-unset}\" \"${HOME-unset}\" \"$(pwd)\""), dir, env));
            var (o, _, _) = run.Finish();
            Assert.Equal("it's $(id) `x`\nline2||unset|" + dir, Text(o));
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Theory]
    [MemberData(nameof(LoginShells))]
    public void AMissingWorkingDirectory_IsReported_AndTheCommandDoesNotRun(string shell)
    {
        string marker = Path.Combine(Path.GetTempPath(), "pj-ran-" + Guid.NewGuid().ToString("N"));
        using var run = new Run(shell, Command(RemoteStdin.Lifeline, RemoteWrapper.ShellLine("touch " + marker), "/no/such/dir"));
        var (_, e, _) = run.Finish();
        Assert.True(run.Filter.NoDirectory);
        Assert.Null(run.Filter.ExitStatus);
        Assert.Equal("", Text(e));
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void ABadEnvironmentName_IsRefused_NamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => Command(RemoteStdin.Lifeline, RemoteWrapper.ShellLine("true"), null,
            new Dictionary<string, string?> { ["A;rm"] = "x" }));
        Assert.Contains("'A;rm'", e.Message);
    }

    [Theory]
    [MemberData(nameof(LoginShells))]
    public void ClosingTheLifeline_StopsTheWholeGroup_AndTheStatusStillComesBack(string shell)
    {
        string marker = RemoteProcessProbe.NewMarker();
        // A child and a grandchild in the background, and the command itself waiting.
        string line = $"sh -c 'sleep 1000; true' {marker}-a & sh -c 'sh -c \"sleep 1000; true\" {marker}-c; true' {marker}-b & wait";
        using var run = new Run(shell, Command(RemoteStdin.Lifeline, RemoteWrapper.ShellLine(line)));
        int pgid = run.AwaitPid();
        // The command, a, b, c and the two sleeps.
        RemoteProcessProbe.AwaitGroupSize(pgid, 6 + RemoteProcessProbe.Waiters, TimeSpan.FromSeconds(30));

        run.CloseInput();
        run.Finish();
        Assert.Equal(128 + 15, run.Filter.ExitStatus); // TERM reached the command itself
        Assert.Equal(15, run.Filter.Exit!.Value.Signal);
        RemoteProcessProbe.AssertAllGone(marker, pgid, TimeSpan.FromSeconds(10));
    }

    [Theory]
    [MemberData(nameof(LoginShells))]
    public void AGroupIgnoringTerm_IsKilledAfterTheGracePeriod(string shell)
    {
        string marker = RemoteProcessProbe.NewMarker();
        // The marker appears in a command line only once the inner shell has set its trap (it execs a shell named by
        // the two halves joined): a TERM that came between its start and its trap killed it, and the outer shell's
        // wait then ended the command with 143 instead of the group's SIGKILL (seen 2 in 4 runs at load 8).
        string half1 = marker.Substring(0, marker.Length / 2), half2 = marker.Substring(marker.Length / 2);
        string line = $"trap '' TERM; sh -c 'trap \"\" TERM; exec sh -c \"sleep 1000; true\" \"$0$1\"' {half1} {half2} & wait; wait";
        using var run = new Run(shell, Command(RemoteStdin.Lifeline, RemoteWrapper.ShellLine(line), graceSeconds: 0.5));
        int pgid = run.AwaitPid();
        RemoteProcessProbe.AwaitRunning(marker, TimeSpan.FromSeconds(30));
        run.CloseInput();
        run.Finish();
        Assert.Equal(128 + 9, run.Filter.ExitStatus);
        // The group's SIGKILL ended the waiter too: its missing report says the group was killed.
        Assert.Equal(9, run.Filter.Exit!.Value.Signal);
        RemoteProcessProbe.AssertAllGone(marker, pgid, TimeSpan.FromSeconds(10));
    }

    [Theory]
    [MemberData(nameof(LoginShells))]
    public async Task ForwardedInput_ReachesTheCommandByteExact(string shell)
    {
        var input = new byte[300_000];
        new Random(7).NextBytes(input);
        using var run = new Run(shell, Command(RemoteStdin.Forward, new[] { "cat" }));
        var writer = Task.Run(() => { run.Input.Write(input); run.CloseInput(); }, TestContext.Current.CancellationToken);
        var (o, e, _) = run.Finish();
        await writer;
        Assert.Equal(input, o);
        Assert.Equal(0, run.Filter.ExitStatus);
        Assert.Equal("", Text(e));
    }

    [Theory]
    [MemberData(nameof(LoginShells))]
    public void WithForwardedInput_ALostChannel_IsNoticedByTheHeartbeat_AndStopsTheGroup(string shell)
    {
        string marker = RemoteProcessProbe.NewMarker();
        using var run = new Run(shell, Command(RemoteStdin.Forward, RemoteWrapper.ShellLine($"sh -c 'sleep 1000; true' {marker} & wait")));
        int pgid = run.AwaitPid();
        RemoteProcessProbe.AwaitRunning(marker, TimeSpan.FromSeconds(30));
        // The channel goes away: nobody reads the command's output any more (its input stays open).
        run.CloseOutputs();
        RemoteProcessProbe.AssertAllGone(marker, pgid, TimeSpan.FromSeconds(15));
    }

    [Theory]
    [MemberData(nameof(LoginShells))]
    public void AProgramThatDoesNotExist_Exits127(string shell)
    {
        using var run = new Run(shell, Command(RemoteStdin.Lifeline, new[] { "/no/such/program", "x" }));
        run.Finish();
        Assert.Equal(127, run.Filter.ExitStatus);
    }
}
