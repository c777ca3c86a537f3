using ParallelJobs.Remote;
using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;

namespace ParallelJobs.Engine.Tests.Remote;

/// <summary>
/// The start-up check's decisions for a Windows host, with a stand-in for ssh: a script that answers as
/// Win32-OpenSSH's default shell would (cmd.exe or PowerShell; or a POSIX shell that is not one), and as the
/// wrapper would once its PowerShell runs. What the shells and the wrapper really do is run in the Windows lane
/// (<see cref="Windows.WindowsSshSessionTests"/>); here it is the check: which shell it takes a host for, the
/// wrapper form it then sends, and what it reports.
/// </summary>
public class WindowsHostCheckTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>A fake ssh for a host whose shell answers as <paramref name="shell"/> (cmd, ps or sh).</summary>
    private static string FakeSsh(TempDir dir, string shell, bool powerShellMissing = false)
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("the stand-in for ssh is a POSIX sh script");
        string path = Path.Combine(dir.Path, "ssh");
        File.WriteAllText(path, $$"""
            #!/bin/sh
            for c; do :; done
            printf '%s\0' "$c" >> '{{dir.Path}}/commands'
            case $c in
              "exec /bin/sh "*) echo "'exec' is not recognized as an internal or external command," >&2; exit 1 ;;
              "echo "*)
                set -- $c
                case {{shell}} in
                  cmd) printf '%s Windows_NT $env:OS\r\n' "$2" ;;
                  ps) printf '%s\r\n%%OS%%\r\nWindows_NT\r\n' "$2" ;;
                  sh) printf '%s %%OS%% :OS\n' "$2" ;;
                esac
                exit 0 ;;
            esac
            {{(powerShellMissing ? "echo \"'powershell.exe' is not recognized as an internal or external command,\" >&2; exit 1" : "")}}
            b64=$(printf '%s' "$c" | sed -e "s/.*FromBase64String('\([^']*\)').*/\1/" -e 's/.* //')
            script=$(printf '%s' "$b64" | base64 -d | iconv -f UTF-16LE -t UTF-8)
            n=$(printf '%s\n' "$script" | sed -n "s/^\$n='\(.*\)'\$/\1/p")
            case $script in
              *'$l=$true'*)
                # A command (lifeline mode): its script kept for the test, output and an exit code as the wrapper reports them.
                printf '%s' "$script" > '{{dir.Path}}/command.ps1'
                printf 'from the command\r\n'
                printf '\n%s pid 4242\n' "$n" >&2; printf 'its stderr'  >&2; printf '\n%s status -1073741819 0\n' "$n" >&2; printf '\n%s exit -1073741819\n' "$n" >&2 ;;
              *)
                printf '6\r\n'
                printf '\n%s pid 4242\n' "$n" >&2; printf '\n%s status 0 0\n' "$n" >&2; printf '\n%s exit 0\n' "$n" >&2 ;;
            esac
            """.Replace("\r\n", "\n"));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static SshConnections Connections(string ssh) => new(new SshSettings { Program = ssh, ShareConnections = false });

    /// <summary>The command strings the stand-in got, in order (NUL-separated: the POSIX wrapper's spans lines).</summary>
    private static string[] Commands(TempDir dir) => File.ReadAllText(Path.Combine(dir.Path, "commands")).Split('\0', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void AHostAnsweringAsCmdExe_IsWindows_CheckedThroughPowerShellEncodedCommand()
    {
        using var dir = new TempDir();
        using var ssh = Connections(FakeSsh(dir, "cmd"));
        var host = SshHost.Parse("auto/winhost");
        var check = ssh.Check(host, Timeout);
        Assert.True(check.IsReachable, check.Reason);
        Assert.Equal(RemoteShell.WindowsCmd, check.Shell);
        Assert.Equal(RemoteShell.WindowsCmd, ssh.ShellOf(host));
        Assert.Equal(6, check.Processors);
        var sent = Commands(dir);
        Assert.Equal(3, sent.Length);
        Assert.StartsWith("exec /bin/sh -c ", sent[0]);
        Assert.Equal(WindowsRemoteWrapper.ShellProbe(ssh.Nonce), sent[1]);
        Assert.StartsWith("powershell.exe -NoProfile -NonInteractive -EncodedCommand ", sent[2]);
        Assert.True(new SshLauncher(ssh, host, TimeSpan.Zero).IsWindows);
    }

    [Fact]
    public void AHostAnsweringAsPowerShell_IsWindows_CheckedInThatPowerShell()
    {
        using var dir = new TempDir();
        using var ssh = Connections(FakeSsh(dir, "ps"));
        var check = ssh.Check(SshHost.Parse("winhost"), Timeout);
        Assert.True(check.IsReachable, check.Reason);
        Assert.Equal(RemoteShell.WindowsPowerShell, check.Shell);
        Assert.StartsWith("& ([scriptblock]::Create(", Commands(dir)[2]);
    }

    [Fact]
    public void AHostWhoseShellIsNeitherPosixNorWindows_KeepsThePosixReason_AndNoWrapperIsTried()
    {
        using var dir = new TempDir();
        using var ssh = Connections(FakeSsh(dir, "sh"));
        var host = SshHost.Parse("oddhost");
        var check = ssh.Check(host, Timeout);
        Assert.False(check.IsReachable);
        Assert.Contains("the login shell must be a POSIX shell", check.Reason);
        Assert.Contains("'exec' is not recognized", check.Reason);
        Assert.Equal(2, Commands(dir).Length);
        Assert.Null(ssh.ShellOf(host));
    }

    [Fact]
    public void AWindowsHostWithoutPowerShell_FailsItsCheck_SayingSo()
    {
        using var dir = new TempDir();
        using var ssh = Connections(FakeSsh(dir, "cmd", powerShellMissing: true));
        var check = ssh.Check(SshHost.Parse("winhost"), Timeout);
        Assert.False(check.IsReachable);
        Assert.Contains("Windows, default shell cmd.exe", check.Reason);
        Assert.Contains("'powershell.exe' did not run the wrapper", check.Reason);
        Assert.Contains("'powershell.exe' is not recognized", check.Reason);
    }

    [Fact]
    public void ACommandOnAWindowsHost_IsACmdExeLine_RunByTheWrapper_AndItsResultComesFromTheMarkers()
    {
        using var dir = new TempDir();
        var options = new RunOptions
        {
            Hosts = SshHost.ParseAll(new[] { "1/winhost" }),
            Ssh = new SshSettings { Program = FakeSsh(dir, "cmd"), ShareConnections = false },
            Environment = { ["PJ_E"] = "it's & \"so\"" },
            RemoteWorkingDirectory = "D:\\work dir",
        };
        var r = Run(options, new[] { CommandSpec.Shell("echo {}", "a&b \"c\"") }).Results.Single();
        // The result: from the wrapper's markers, the host's name, the exact (negative) Windows exit code.
        Assert.Equal(CommandStatus.Failed, r.Status);
        Assert.Equal(-1073741819, r.ExitCode);
        Assert.Null(r.Signal);
        Assert.Equal(4242, r.ProcessId);
        Assert.Equal("winhost", r.ComputerName);
        Assert.Equal(new[] { "from the command" }, r.Output);
        Assert.Equal(new[] { "its stderr" }, r.Error);
        // The command line, as on a local Windows machine: cmd.exe, the value quoted once for it.
        string line = "echo " + ParallelJobs.Processes.WindowsCmdQuoter.Quote("a&b \"c\"");
        Assert.Equal(line, r.Command);
        string script = File.ReadAllText(Path.Combine(dir.Path, "command.ps1"));
        var values = System.Text.RegularExpressions.Regex.Matches(script, "d '([A-Za-z0-9+/=]*)'")
            .Select(m => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[1].Value))).ToList();
        Assert.Equal("cmd.exe", values[0]);
        Assert.Equal("/d /v:off /s /c \"" + line + "\"", values[1]);
        Assert.Equal("D:\\work dir", values[2]);
        Assert.Equal(new[] { "PJ_E", "it's & \"so\"", "PARALLELJOBS_SLOT", "0", "PARALLELJOBS_INDEX", "0" }, values.Skip(3));
    }

    [Fact]
    public void ARunOverAWindowsHost_SaysWhatTheHostIs_AsAVerboseNote()
    {
        using var dir = new TempDir();
        var options = new RunOptions
        {
            Hosts = SshHost.ParseAll(new[] { "1/winhost" }),
            Ssh = new SshSettings { Program = FakeSsh(dir, "cmd"), ShareConnections = false },
        };
        var (results, events) = Run(options, Array.Empty<CommandSpec>());
        Assert.Empty(results);
        var note = Assert.Single(events, e => e.Kind == RunEventKind.Note);
        Assert.Equal("Host '1/winhost' is Windows, default shell cmd.exe: its commands are cmd.exe command lines (quoted for cmd.exe, as on a Windows machine), run by the PowerShell wrapper.", note.Describe());
        Assert.DoesNotContain(events, e => e.Kind == RunEventKind.Warning);
    }
}
