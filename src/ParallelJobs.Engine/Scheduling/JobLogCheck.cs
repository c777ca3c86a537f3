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
    }
}
