namespace ParallelJobs.Engine.Tests.Windows;

/// <summary>
/// Tests of Windows itself (cmd.exe, job objects). Elsewhere they are skipped with the reason, also under
/// CI=true: CI runs them in the Windows lane (tests/infra/windows-lane.sh), which publishes this project
/// for win-x64 and runs it under Wine, and fails when Wine cannot be had.
/// </summary>
internal static class WindowsOnly
{
    public static void Require()
    {
        if (!OperatingSystem.IsWindows())
            Assert.Skip("Windows only: runs in the Windows lane (tests/infra/windows-lane.sh runs this project under Wine)");
    }

    /// <summary>True under Wine, whose cmd.exe is its own implementation (see the notes on each test that cannot show Windows' behaviour there).</summary>
    public static bool UnderWine { get; } = OperatingSystem.IsWindows() && WineVersion() != IntPtr.Zero;

    private static IntPtr WineVersion()
    {
        IntPtr ntdll = GetModuleHandleW("ntdll.dll");
        return ntdll == IntPtr.Zero ? IntPtr.Zero : GetProcAddress(ntdll, "wine_get_version");
    }

    [System.Runtime.InteropServices.DllImport("kernel32.dll", CharSet = System.Runtime.InteropServices.CharSet.Unicode)]
    private static extern IntPtr GetModuleHandleW(string name);

    [System.Runtime.InteropServices.DllImport("kernel32.dll", CharSet = System.Runtime.InteropServices.CharSet.Ansi, BestFitMapping = false)]
    private static extern IntPtr GetProcAddress(IntPtr module, string name);

    public static string ComSpec => Environment.GetEnvironmentVariable("ComSpec") ?? @"C:\windows\system32\cmd.exe";

    /// <summary>True while a process with this id runs (a Windows id; under Wine, Wine's).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>Ids of running ping.exe processes: the only program these tests leave running long.</summary>
    public static int[] Pings() => System.Diagnostics.Process.GetProcessesByName("ping").Select(p => { using (p) return p.Id; }).ToArray();
}
