using System;
using System.Runtime.InteropServices;
using System.Text;

namespace ParallelJobs.Quality
{
    /// <summary>
    /// The physical path of a file or directory, every symbolic link resolved (libc realpath), on Linux and macOS.
    /// Null where it cannot be had: on Windows, for a broken link, or when libc cannot be called.
    /// </summary>
    internal static class RealPath
    {
        [DllImport("libc", EntryPoint = "realpath", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        private static extern IntPtr NativeRealPath(string path, IntPtr resolved);

        [DllImport("libc", EntryPoint = "free")]
        private static extern void Free(IntPtr pointer);

        private static bool _unavailable = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        public static string? Of(string path)
        {
            if (_unavailable) return null;
            IntPtr resolved;
            try
            {
                resolved = NativeRealPath(path, IntPtr.Zero);
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                _unavailable = true;
                return null;
            }
            if (resolved == IntPtr.Zero) return null;
            try
            {
                int length = 0;
                while (Marshal.ReadByte(resolved, length) != 0) length++;
                var bytes = new byte[length];
                Marshal.Copy(resolved, bytes, 0, length);
                return Encoding.UTF8.GetString(bytes);
            }
            finally
            {
                Free(resolved);
            }
        }

        /// <summary>Whether directory is ancestor or the same directory as path (both physical, '/'-separated).</summary>
        public static bool IsSameOrAncestor(string directory, string path)
        {
            if (string.Equals(directory, path, StringComparison.Ordinal)) return true;
            string prefix = directory.EndsWith("/", StringComparison.Ordinal) ? directory : directory + "/";
            return path.StartsWith(prefix, StringComparison.Ordinal);
        }
    }
}
