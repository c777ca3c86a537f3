using System.IO;

namespace ParallelJobs
{
    /// <summary>
    /// Another run holds the output directory: two runs in one directory would write each other's slot
    /// files. The holder is whoever has the directory's lock file open with an exclusive OS lock, so a run
    /// that crashed or was killed holds nothing (the OS drops its lock with the process).
    /// </summary>
    internal sealed class OutputDirectoryInUseException : IOException
    {
        /// <summary>The lock file a run holds in its output directory for as long as it runs.</summary>
        public const string LockFileName = "parallel-jobs.lock";

        public OutputDirectoryInUseException(string directory, IOException inner)
            : base($"Output directory '{directory}' is in use by another run (it holds '{Path.Combine(directory, LockFileName)}'): " +
                   "two runs in one directory would overwrite each other's slot files. Wait for that run to end, or use another directory.", inner)
        {
            Directory = directory;
        }

        public string Directory { get; }
    }
}
