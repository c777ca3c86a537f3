using System.Runtime.InteropServices;

namespace ParallelJobs.Processes
{
    /// <summary>
    /// .NET reports a process killed by a signal on Unix as exit code 128 + the signal number; this reads
    /// the signal back, for the reason text and for the job log's Signal column.
    /// </summary>
    internal static class ExitSignal
    {
        private static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>The signal that ended the process, or null for a plain exit (and always on Windows).</summary>
        public static int? Of(int? exitCode)
        {
            if (IsWindows || !exitCode.HasValue || exitCode.Value <= 128 || exitCode.Value >= 160) return null;
            return exitCode.Value - 128;
        }
    }
}
