using System.Text;
using System.Text.RegularExpressions;
using ParallelJobs.Processes;
using ParallelJobs.Remote;
using ParallelJobs.Scheduling;

namespace ParallelJobs.Engine.Tests.Remote;

/// <summary>
/// The command strings for Windows hosts, on every platform: what cmd.exe or PowerShell gets from sshd holds
/// nothing either shell expands, the script inside decodes to the template with each value carried as base64
/// of its UTF-8 bytes (so hostile values come back exact), and the shell probe's answers are told apart.
/// <see cref="Windows.WindowsSshSessionTests"/> runs these strings under cmd.exe and PowerShell (Windows lane).
/// </summary>
public class WindowsRemoteWrapperTests
{
    private const string Nonce = "PJ-feedfacefeedfacefeedface";

    /// <summary>The hostile inputs of the POSIX wrapper and of the cmd.exe quoter together.</summary>
    public static TheoryData<string> HostileData() => new(RemoteWrapperTests.HostileValues.Concat(Windows.CmdQuotingTests.Hostile).Distinct());

    private static string Decode(string command)
    {
        var m = Regex.Match(command, "^powershell\\.exe -NoProfile -NonInteractive -EncodedCommand ([A-Za-z0-9+/=]+)$");
        Assert.True(m.Success, "not the cmd.exe form: " + command);
        return Encoding.Unicode.GetString(Convert.FromBase64String(m.Groups[1].Value));
    }

    /// <summary>The values the script decodes with d '...', in order.</summary>
    private static List<string> Values(string script) =>
        Regex.Matches(script, "d '([A-Za-z0-9+/=]*)'").Select(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[1].Value))).ToList();

    private static string Script(string file, string arguments, string? dir = null, IEnumerable<KeyValuePair<string, string?>>? env = null, RemoteStdin stdin = RemoteStdin.Lifeline) =>
        WindowsRemoteWrapper.ScriptFor(Nonce, stdin, dir, env ?? Array.Empty<KeyValuePair<string, string?>>(), file, arguments);

    [Fact]
    public void TheCmdForm_IsPowerShellWithTheScriptAsEncodedCommand_AndNothingCmdOrPowerShellExpands()
    {
        string script = Script("cmd.exe", "/d /v:off /s /c \"echo hi\"");
        string command = WindowsRemoteWrapper.Command(RemoteShell.WindowsCmd, script);
        Assert.Equal(script, Decode(command));
        // Letters, digits, + / = and spaces only: no % ^ & | < > ( ) " ' $ ` ; for cmd.exe or PowerShell to act on.
        Assert.Matches("^[A-Za-z0-9+/=. -]+$", command);
    }

    [Fact]
    public void ThePowerShellForm_RunsTheScriptInThatPowerShell_WithOnlyTwoSingleQuotesAroundBase64()
    {
        string script = Script("cmd.exe", "/d /v:off /s /c \"echo hi\"");
        string command = WindowsRemoteWrapper.Command(RemoteShell.WindowsPowerShell, script);
        var m = Regex.Match(command, "^& \\(\\[scriptblock\\]::Create\\(\\[Text\\.Encoding\\]::Unicode\\.GetString\\(\\[Convert\\]::FromBase64String\\('([A-Za-z0-9+/=]+)'\\)\\)\\)\\)$");
        Assert.True(m.Success, command);
        Assert.Equal(script, Encoding.Unicode.GetString(Convert.FromBase64String(m.Groups[1].Value)));
        // sshd runs "shell -c command"; a command line split at spaces and joined again (as -c does) is the same string:
        // no double quotes, no runs of blanks.
        Assert.DoesNotContain("\"", command);
        Assert.DoesNotContain("  ", command);
    }

    [Fact]
    public void TheScript_CarriesProgramArgumentsDirectoryAndEnvironment_AsBase64_InThatOrder()
    {
        var env = new List<KeyValuePair<string, string?>> { new("PJ_A", "a value"), new("PJ_GONE", null), new("PARALLELJOBS_SLOT", "3") };
        string script = Script("C:\\Tools\\x.exe", "-a \"b c\"", "D:\\work dir", env);
        Assert.Equal(new[] { "C:\\Tools\\x.exe", "-a \"b c\"", "D:\\work dir", "PJ_A", "a value", "PJ_GONE", "PARALLELJOBS_SLOT", "3" }, Values(script));
        Assert.Contains("$v.Remove((d '" + Convert.ToBase64String(Encoding.UTF8.GetBytes("PJ_GONE")) + "'))", script);
        Assert.Contains("$n='" + Nonce + "'", script);
        Assert.Contains("$l=$true", script);
        Assert.Contains("$l=$false", Script("x.exe", "", stdin: RemoteStdin.Forward));
        // The same markers as the POSIX wrapper: pid, then the exact status and the exit.
        Assert.Contains("k \"pid $($p.Id)\"", script);
        Assert.Contains("k \"status $c 0\";k \"exit $c\"", script);
        Assert.Contains("k nodir;exit 126", script);
    }

    [Theory]
    [MemberData(nameof(HostileData))]
    public void HostileValues_ComeBackExact_AndNeverReachTheScriptAsText(string value)
    {
        if (value.Contains('\0')) return;
        string script = Script(value.Length == 0 ? "x" : value, value, value.Length == 0 ? null : value, new[] { new KeyValuePair<string, string?>("PJ_V", value) });
        var values = Values(script);
        Assert.Equal(value.Length == 0 ? "x" : value, values[0]);
        Assert.Equal(value, values[1]);
        Assert.Equal(value.Length == 0 ? "" : value, values[2]);
        Assert.Equal(value, values[4]);
        // Outside the base64, the script is the template: the value nowhere as text (short ones may occur by chance).
        if (value.Length >= 4) Assert.DoesNotContain(value, Regex.Replace(script, "d '[A-Za-z0-9+/=]*'", "d ''"));
        foreach (var shell in new[] { RemoteShell.WindowsCmd, RemoteShell.WindowsPowerShell })
            Assert.Matches("^[A-Za-z0-9+/=. &()\\[\\]:'-]+$", WindowsRemoteWrapper.Command(shell, script));
    }

    [Theory]
    [MemberData(nameof(HostileData))]
    public void AShellLineForAWindowsHost_IsQuotedForCmdExe_AsForALocalWindowsCommand(string value)
    {
        var launch = CommandSpec.Shell("echo {}", value).Resolve(0, 0, windows: true, comspec: "cmd.exe");
        if (value.IndexOfAny(new[] { '%', '\r', '\n', '\0' }) >= 0)
        {
            Assert.NotNull(launch.Refused);
            return;
        }
        Assert.Null(launch.Refused);
        Assert.Equal("cmd.exe", launch.FileName);
        string script = Script(launch.FileName, launch.WindowsArguments!);
        // The program's command line arrives as made for cmd.exe /d /v:off /s /c "line", the value quoted once, by WindowsCmdQuoter.
        Assert.Equal("/d /v:off /s /c \"echo " + WindowsCmdQuoter.Quote(value) + "\"", Values(script)[1]);
    }

    [Fact]
    public void EnvironmentNames_FollowTheRemoteRule_AndNulInAValueIsRefused()
    {
        Assert.Throws<ArgumentException>(() => Script("x.exe", "", env: new[] { new KeyValuePair<string, string?>("A=B", "x") }));
        var e = Assert.Throws<ArgumentException>(() => Script("x.exe", "", env: new[] { new KeyValuePair<string, string?>("PJ_N", "a\0b") }));
        Assert.Contains("PJ_N", e.Message);
    }

    [Fact]
    public void ACommandLongerThanCmdTakes_IsRefused_SayingWhy()
    {
        var e = Assert.Throws<ArgumentException>(() => WindowsRemoteWrapper.Command(RemoteShell.WindowsCmd, Script("cmd.exe", "/c echo " + new string('x', 6000))));
        Assert.Contains("8191", e.Message);
    }

    [Fact]
    public void ThePowerShellPath_MayHoldNothingAShellReads()
    {
        Assert.Throws<ArgumentException>(() => WindowsRemoteWrapper.Command(RemoteShell.WindowsCmd, "x", "C:\\Program Files\\pwsh.exe"));
        Assert.Throws<ArgumentException>(() => WindowsRemoteWrapper.Command(RemoteShell.WindowsCmd, "x", "a&b"));
        Assert.StartsWith("Z:\\pj\\pwsh.exe -NoProfile", WindowsRemoteWrapper.Command(RemoteShell.WindowsCmd, "x", "Z:\\pj\\pwsh.exe"));
    }

    [Theory]
    [InlineData(Nonce + " Windows_NT $env:OS\r\n", "WindowsCmd")]
    [InlineData(Nonce + "\r\n%OS%\r\nWindows_NT\r\n", "WindowsPowerShell")]
    [InlineData(Nonce + " %OS% :OS\n", null)] // a POSIX shell
    [InlineData(Nonce + " %OS% \n", null)] // PowerShell off Windows, or sh with $env set
    [InlineData("PJ-other Windows_NT $env:OS\r\n", null)]
    [InlineData("", null)]
    public void TheShellProbe_TellsCmdFromPowerShellFromAPosixShell(string stdout, string? shell)
    {
        Assert.Equal("echo " + Nonce + " %OS% $env:OS", WindowsRemoteWrapper.ShellProbe(Nonce));
        Assert.Equal(shell, WindowsRemoteWrapper.ShellFromProbe(Nonce, stdout)?.ToString());
    }

    [Fact]
    public void ANegativeExitCode_ComesThroughTheMarkers_AsWindowsGivesIt()
    {
        // 0xC0000005 (access violation) is -1073741819 as .NET's ExitCode: the status marker carries the sign.
        var filter = new RemoteMarkerFilter(Nonce);
        var text = Encoding.ASCII.GetBytes($"\n{Nonce} pid 4242\n\n{Nonce} status -1073741819 0\n\n{Nonce} exit -1073741819\n");
        var kept = new MemoryStream();
        filter.Feed(text, 0, text.Length, (b, o, c) => kept.Write(b, o, c));
        filter.Complete((b, o, c) => kept.Write(b, o, c));
        Assert.Equal(0, kept.Length);
        Assert.Equal(4242, filter.RemotePid);
        Assert.Equal(-1073741819, filter.Exit!.Value.ExitCode);
        Assert.True(filter.Exit!.Value.Exact);
    }
}
