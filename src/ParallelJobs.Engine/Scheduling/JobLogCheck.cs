using System.IO;
using ParallelJobs.Output;

namespace ParallelJobs.Scheduling
{
    /// <summary>Lets a caller check a job log before a run starts (so a bad one is reported before any command runs).</summary>
    internal static class JobLogCheck
    {
        /// <exception cref="InvalidDataException">A line is not a job log line; the message names the file and line.
        /// A last line cut off without its newline is not an error: the run ignores it with a warning.</exception>
        public static void Validate(string path) => JobLog.Read(path, succeededOnly: false);

        /// <summary>
        /// Checks a job log before a run starts, so its problems are named as its own and not as a run's: it is
        /// read (and so validated) when the run resumes from it, and opened for append, which proves it can be
        /// written (and makes it when it does not exist yet).
        /// </summary>
        /// <exception cref="InvalidDataException">Resuming, and a line is not a job log line.</exception>
        /// <exception cref="IOException">It cannot be opened for writing (also UnauthorizedAccessException,
        /// NotSupportedException, ArgumentException for a path the platform refuses).</exception>
        public static void EnsureUsable(string path, bool resuming)
        {
            if (resuming) Validate(path);
            using (new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { }
        }
    }
}
