using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace ParallelJobs.Remote
{
    /// <summary>
    /// A new directory only its owner can enter (mode 0700 from the start, not changed afterwards), for the
    /// ssh control sockets: whoever can reach a master's socket can run commands on its host as us.
    /// </summary>
    internal static class PrivateDirectory
    {
        private const int EEXIST = 17;

        [DllImport("libc", EntryPoint = "mkdir", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        private static extern int MkDir(string path, int mode);

        public static string Create(string parent, string prefix)
        {
            bool windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
            for (int attempt = 0; attempt < 20; attempt++)
            {
                string path = Path.Combine(parent, prefix + RandomName());
                if (windows)
                {
                    if (Directory.Exists(path)) continue;
                    Directory.CreateDirectory(path);
                    return path;
                }
                if (MkDir(path, Convert.ToInt32("700", 8)) == 0) return path;
                int errno = Marshal.GetLastWin32Error();
                if (errno != EEXIST) throw new IOException($"Cannot create the private directory '{path}' (errno {errno}).");
            }
            throw new IOException($"Cannot create a private directory under '{parent}'.");
        }

        private static string RandomName()
        {
            var bytes = new byte[5];
            using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(bytes);
            var sb = new StringBuilder();
            foreach (byte b in bytes) sb.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return sb.ToString();
        }
    }
}
