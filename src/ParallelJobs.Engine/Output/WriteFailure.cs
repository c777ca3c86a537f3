using System;
using System.IO;

namespace ParallelJobs.Output
{
    /// <summary>
    /// How the run's own files (slot files, commands.tsv, the job log) fail: an exception no write on the
    /// run's path may let escape into the scheduler (a full disk, a deleted directory, a lost mount), and
    /// its description for a message that names the file.
    /// </summary>
    internal static class WriteFailure
    {
        public static bool IsWriteFailure(Exception e) =>
            e is IOException || e is UnauthorizedAccessException || e is ObjectDisposedException || e is NotSupportedException;

        /// <summary>The runtime's reason without the path it sometimes appends (the message names the file itself).</summary>
        public static string Reason(Exception e, string path)
        {
            string text = e.Message.Replace(" : '" + path + "'", "").Replace(" '" + path + "'", "").Trim();
            return text.Length == 0 ? e.GetType().Name : text.TrimEnd('.');
        }
    }
}
