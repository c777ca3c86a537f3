using System;
using System.Runtime.InteropServices;
using Microsoft.PowerShell;

namespace ParallelJobs.WindowsHost;

/// <summary>
/// pwsh's own entry point over the Microsoft.PowerShell.SDK assemblies: the same command line (-NoProfile,
/// -Command, -File) and the same console host as pwsh.exe, for the Windows lane under Wine, which has no pwsh.exe.
/// </summary>
internal static partial class Program
{
    private static int Main(string[] args)
    {
        // The console host needs a console. Without one (under Wine: none of stdin, stdout, stderr is a terminal)
        // it takes the invalid-handle error for a closed console window and exits 0 having run nothing.
        if (OperatingSystem.IsWindows() && GetConsoleCP() == 0)
        {
            Console.Error.WriteLine("pwsh (ParallelJobs Windows lane host): this process has no console; under Wine give it a terminal, e.g. script -qec 'wine pwsh.exe ...' /dev/null");
            return 2;
        }
        return UnmanagedPSEntry.Start(args, args.Length);
    }

    [LibraryImport("kernel32.dll")]
    private static partial uint GetConsoleCP();
}
