using System;
using System.IO;

namespace ParallelJobs.Bench
{
    /// <summary>Peak resident set of this process (VmHWM), which is what a user sees as its peak working set on Linux.</summary>
    internal static class PeakMemory
    {
        public static long? ReadPeakBytes()
        {
            const string path = "/proc/self/status";
            if (!File.Exists(path)) return null;
            foreach (var line in File.ReadLines(path))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                var parts = line.Substring(6).Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 1 && long.TryParse(parts[0], out long kb)) return kb * 1024;
            }
            return null;
        }
    }
}
