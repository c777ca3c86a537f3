using System.Runtime.InteropServices;
using System.Text;

namespace ParallelJobs.Processes
{
    /// <summary>The few libc calls the engine needs on Linux and macOS.</summary>
    internal static class UnixNative
    {
        public const int SIGKILL = 9;
        public const int SIGTERM = 15;
        public const int SIGCONT_LINUX = 18;
        public const int SIGCONT_BSD = 19;

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);

        [DllImport("libc", EntryPoint = "readlink", SetLastError = true)]
        private static extern long ReadLink(string path, byte[] buffer, long size);

        public static int SigCont => RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? SIGCONT_LINUX : SIGCONT_BSD;

        public static string? TryReadLink(string path)
        {
            var buffer = new byte[256];
            long n = ReadLink(path, buffer, buffer.Length);
            return n <= 0 ? null : Encoding.UTF8.GetString(buffer, 0, (int)n);
        }
    }
}
