using System.Runtime.InteropServices;
using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;

namespace ParallelJobs.Engine.Tests.Windows;

/// <summary>
/// Values through a real cmd.exe: echo shows the text cmd hands on (carets removed, nothing run), and the
/// C runtime's splitting of that text (CommandLineToArgvW) gives the value back. Under Wine, cmd.exe is
/// Wine's own implementation; the behaviour it cannot show (Windows' %-expansion timing) is covered by the
/// refusals in <see cref="CmdQuotingTests"/>.
/// </summary>
[Trait("Platform", "Windows")]
[Collection("Windows processes")]
public class CmdExeTests
{
    public static TheoryData<string> HostileData() => CmdQuotingTests.HostileData();

    [Theory]
    [MemberData(nameof(HostileData))]
    public void HostileValue_ReachesTheProgramWhole_AndRunsNoCode(string value)
    {
        WindowsOnly.Require();
        if (WindowsOnly.UnderWine && value.Contains('<'))
            Assert.Skip("Wine's cmd.exe crashes on a < inside double quotes (its bug); Windows' cmd takes it literally there, as documented, and CmdQuotingTests checks the quoting");
        if (value.Any(c => c > 127))
            Assert.Skip("cmd's echo writes in the console code page, not UTF-8: a test of code pages, not of quoting");
        using var dir = new TempDir();
        var options = new RunOptions { ThrottleLimit = 1, WorkingDirectory = dir.Path, Timeout = TimeSpan.FromSeconds(30) };
        // echo shows the rest of its line as cmd hands it on: quotes and backslashes as the program would get them.
        var r = Run(options, new[] { Sh("echo {}", value) }).Results.Single();
        Assert.Equal(CommandStatus.Succeeded, r.Status);
        // One line: a value that ran as code (&echo ...) would add a second.
        string echoed = Assert.Single(r.Output);
        Assert.Equal(new[] { value }, CommandLineToArgs("x " + echoed).Skip(1));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void ValueWithAPercent_FailsToStart_NamingIt_OthersRun()
    {
        WindowsOnly.Require();
        var (results, _) = Run(new RunOptions { ThrottleLimit = 2, KeepOrder = true }, new[] { Sh("echo {}", "%PATH%"), Sh("echo {}", "ok") });
        Assert.Equal(CommandStatus.FailedToStart, results[0].Status);
        Assert.Contains("'%PATH%'", results[0].Reason);
        Assert.Equal(CommandStatus.Succeeded, results[1].Status);
        Assert.Equal(new[] { "ok" }, results[1].Output);
    }

    [Theory]
    [InlineData("exit 0", CommandStatus.Succeeded, 0)]
    [InlineData("exit 3", CommandStatus.Failed, 3)]
    [InlineData("echo x & exit 255", CommandStatus.Failed, 255)]
    public void ExitCodes_ComeThroughCmd(string command, CommandStatus status, int code)
    {
        WindowsOnly.Require();
        var r = Run(new RunOptions { ThrottleLimit = 1 }, new[] { Sh(command) }).Results.Single();
        Assert.Equal(status, r.Status);
        Assert.Equal(code, r.ExitCode);
    }

    [Fact]
    public void BatchFileByFilePath_GetsItsArgumentsAsData_BatBadBut()
    {
        WindowsOnly.Require();
        using var dir = new TempDir();
        string bat = WriteArgumentCounter(dir.Path);
        string[] args = { "a&echo PWNED>pwned.txt", "x y", "(z)", "q^w|more" };
        var r = Run(new RunOptions { ThrottleLimit = 1, WorkingDirectory = dir.Path, Timeout = TimeSpan.FromSeconds(30) }, new[] { CommandSpec.Program(bat, args) }).Results.Single();
        Assert.Equal(CommandStatus.Failed, r.Status);
        Assert.Equal(7, r.ExitCode);
        Assert.Equal(new[] { "4" }, r.Output);
        Assert.False(File.Exists(Path.Combine(dir.Path, "pwned.txt")), "an argument of the batch file ran as code");
    }

    [Fact]
    public void BatchFileByFilePath_AnArgumentWithAQuote_RunsNoCode()
    {
        WindowsOnly.Require();
        using var dir = new TempDir();
        string bat = WriteArgumentCounter(dir.Path);
        // The CVE-2024-24576 shape: a quote to leave cmd's quoted state, then a command.
        string[] args = { "a\"&echo PWNED>pwned.txt", "x y" };
        var r = Run(new RunOptions { ThrottleLimit = 1, WorkingDirectory = dir.Path, Timeout = TimeSpan.FromSeconds(30) }, new[] { CommandSpec.Program(bat, args) }).Results.Single();
        Assert.False(File.Exists(Path.Combine(dir.Path, "pwned.txt")), "an argument of the batch file ran as code");
        Assert.DoesNotContain(r.Lines, l => l.Line.Trim() == "PWNED");
        if (WindowsOnly.UnderWine) return; // Wine's cmd answers ^" in a batch file's arguments with "Syntax error" (and runs nothing)
        Assert.Equal(7, r.ExitCode);
        Assert.Equal(new[] { "2" }, r.Output);
    }

    /// <summary>A batch file that prints how many arguments it got, then exits 7.</summary>
    private static string WriteArgumentCounter(string dir)
    {
        string bat = Path.Combine(dir, "count args.bat");
        File.WriteAllText(bat, "@echo off\r\nset n=0\r\nfor %%a in (%*) do set /a n+=1 >nul\r\necho %n%\r\nexit /b 7\r\n");
        return bat;
    }

    internal static string[] CommandLineToArgs(string line)
    {
        IntPtr argv = CommandLineToArgvW(line, out int count);
        Assert.NotEqual(IntPtr.Zero, argv);
        try
        {
            var result = new string[count];
            for (int i = 0; i < count; i++) result[i] = Marshal.PtrToStringUni(Marshal.ReadIntPtr(argv, i * IntPtr.Size))!;
            return result;
        }
        finally
        {
            LocalFree(argv);
        }
    }

    [DllImport("shell32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    private static extern IntPtr CommandLineToArgvW(string commandLine, out int count);

    [DllImport("kernel32.dll")]
    private static extern IntPtr LocalFree(IntPtr memory);
}
