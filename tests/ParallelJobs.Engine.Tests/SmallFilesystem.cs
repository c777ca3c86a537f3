using System.Diagnostics;

namespace ParallelJobs.Engine.Tests;

/// <summary>
/// A real tmpfs of a few megabytes, mounted for one test, for what a full disk does. Mounting needs root
/// (CAP_SYS_ADMIN) on Linux: elsewhere the test is skipped with the reason, except under CI=true, where
/// everything the tests need is installed and a skip would hide a failure.
/// </summary>
internal sealed class SmallFilesystem : IDisposable
{
    private SmallFilesystem(string path) { Path = path; }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine(new[] { Path }.Concat(parts).ToArray());

    public static SmallFilesystem Mount(string size)
    {
        string why;
        if (!OperatingSystem.IsLinux()) why = "mounting a small tmpfs needs Linux";
        else
        {
            string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pj-tmpfs-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            var (code, output) = Execute("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir);
            if (code == 0) return new SmallFilesystem(dir);
            Directory.Delete(dir);
            why = $"cannot mount a {size} tmpfs (needs root): mount said '{output.Trim()}'";
        }
        if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail("CI=true, yet " + why);
        Assert.Skip(why);
        throw new InvalidOperationException("not reached");
    }

    public void Dispose()
    {
        // Lazy: a process of the test still holding a file must not leave the mount behind.
        var (code, output) = Execute("umount", "-l", Path);
        if (code == 0) Directory.Delete(Path);
        else throw new InvalidOperationException($"umount {Path} failed: {output}");
    }

    private static (int Code, string Output) Execute(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            string text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, text);
        }
        catch (System.ComponentModel.Win32Exception e) { return (-1, e.Message); }
    }
}
