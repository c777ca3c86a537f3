using System.Diagnostics;
using System.Runtime.Versioning;

namespace ParallelJobs.Quality.Tests;

/// <summary>
/// Tests of what happens when the file system says "permission denied" need a process that file permissions apply
/// to. Root ignores them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), and the tests here run as root: such a test then
/// runs itself again in a child test process that is still root but without those two capabilities (setpriv
/// --bounding-set), where a mode-000 directory really cannot be listed, and passes only if the child passed.
/// </summary>
internal static class Permissions
{
    private const string ChildVariable = "PARALLELJOBS_TEST_PERMISSIONS_CHILD";
    private const string DroppedCapabilities = "-dac_override,-dac_read_search";

    /// <summary>
    /// True: permissions apply here, run the test's body now. False: the test ran, and passed, in a child
    /// process without root's permission bypass (its output is in the test's output). Skips (fails under
    /// CI=true) when neither is possible.
    /// </summary>
    public static bool RunHere(string testClass, string testMethod)
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("POSIX permissions (chmod) are what this test is about");
            return false;
        }
        if (Enforced()) return true;
        if (Environment.GetEnvironmentVariable(ChildVariable) == "1")
            Assert.Fail("file permissions are still not enforced in the child process started without " + DroppedCapabilities);

        string setpriv = new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists) ?? "";
        const string Why = "this process ignores file permissions (root) and cannot start one that does: ";
        if (setpriv.Length == 0) Missing.Skip(Why + "setpriv (util-linux) is not installed");
        if (Run(setpriv, new[] { "--bounding-set", DroppedCapabilities, "--", "true" }, out string refusal) != 0)
            Missing.Skip(Why + "setpriv --bounding-set " + DroppedCapabilities + " failed: " + refusal.Trim());

        // This test alone, in the same test assembly, run by xunit's own runner (the test project is an executable).
        string assembly = typeof(Permissions).Assembly.Location;
        string appHost = Path.Combine(AppContext.BaseDirectory, Path.GetFileNameWithoutExtension(assembly));
        var arguments = new List<string> { "--bounding-set", DroppedCapabilities, "--" };
        if (File.Exists(appHost)) arguments.Add(appHost);
        else arguments.AddRange(new[] { DotnetHost(), "exec", assembly });
        arguments.AddRange(new[] { "-method", testClass + "." + testMethod, "-noColor" });
        int exit = Run(setpriv, arguments, out string output, (ChildVariable, "1"));
        TestContext.Current.TestOutputHelper?.WriteLine("child test process without root's permission bypass:\n" + output);
        Assert.True(exit == 0, "the test failed in the child process without root's permission bypass (exit code " + exit + "):\n" + output);
        Assert.Contains("Total: 1, Errors: 0, Failed: 0, Skipped: 0", output);
        return false;
    }

    /// <summary>Whether this process is refused the listing of a mode-000 directory.</summary>
    [UnsupportedOSPlatform("windows")]
    public static bool Enforced()
    {
        string probe = Path.Combine(Path.GetTempPath(), "pj-permission-probe-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(probe);
        try
        {
            File.SetUnixFileMode(probe, UnixFileMode.None);
            try
            {
                Directory.GetFileSystemEntries(probe);
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return true;
            }
        }
        finally
        {
            File.SetUnixFileMode(probe, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.Delete(probe);
        }
    }

    /// <summary>Gives a directory tree back to its owner (modes 700 on directories) so that it can be deleted.</summary>
    [UnsupportedOSPlatform("windows")]
    public static void Restore(string directory)
    {
        if (!Directory.Exists(directory)) return;
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (string sub in Directory.GetDirectories(directory))
            if (new DirectoryInfo(sub).LinkTarget == null) Restore(sub);
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    private static int Run(string program, IEnumerable<string> arguments, out string output, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        output = stdout + stderr.GetAwaiter().GetResult();
        return process.ExitCode;
    }
}
