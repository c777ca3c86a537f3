using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace ParallelJobs.Slurm
{
    /// <summary>
    /// The directory one Slurm run shares between the submitting machine and the nodes. It must be on a
    /// filesystem both see (the tasks read commands from it and write results to it).
    /// </summary>
    /// <remarks>
    /// <code>
    /// task.sh            the array task script (SlurmTaskScript)
    /// cmd/INDEX          command INDEX's shell command line
    /// batch/B            the items of submission B, one per line (ITEM = INDEX.ATTEMPT); never changed once written
    /// hint/B             where the next free item of batch B probably is (a hint; mkdir decides)
    /// complete           exists once no more input will come
    /// claim/ITEM/        made with mkdir by the task that takes the item
    /// run/ITEM           start record: task, job id, node, host, pid, start time
    /// result/ITEM        result record: the start record plus end time, exit code, signal
    /// out/ITEM.out|.err  the command's stdout and stderr
    /// slurm/JOB_TASK.log Slurm's own output of the task (the script's errors, Slurm's kill messages)
    /// requeue/JOBID      written by a task Slurm requeued, when it starts again: how often it was requeued
    /// cancel/ITEM        written by the module to stop one command (Stop-Job on it): the task does not start
    ///                    it, or signals its process group when it runs
    /// </code>
    /// Only this process writes cmd/, batch/, cancel/ and complete; only tasks write the rest (except a claim
    /// this process releases after every task that could hold it has ended, and one it makes itself to keep
    /// a stopped command from ever starting).
    /// </remarks>
    internal sealed class SlurmRunDirectory
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);
        private int _batches;

        public SlurmRunDirectory(string path)
        {
            Path = System.IO.Path.GetFullPath(path);
            foreach (var sub in new[] { "cmd", "batch", "hint", "claim", "run", "result", "out", "slurm", "requeue", "cancel" })
                Directory.CreateDirectory(System.IO.Path.Combine(Path, sub));
            ScriptPath = SlurmTaskScript.WriteTo(Path);
        }

        public string Path { get; }
        public string ScriptPath { get; }
        public int BatchCount => _batches;

        public static string Item(int index, int attempt) => index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + attempt.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public static bool TryParseItem(string item, out int index, out int attempt)
        {
            index = attempt = 0;
            int dot = item.IndexOf('.');
            return dot > 0
                && int.TryParse(item.Substring(0, dot), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index)
                && int.TryParse(item.Substring(dot + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out attempt);
        }

        public void WriteCommand(int index, string commandLine) =>
            WriteAtomically(System.IO.Path.Combine(Path, "cmd", index.ToString(System.Globalization.CultureInfo.InvariantCulture)), commandLine);

        /// <summary>Writes the next batch file; returns its number (1-based).</summary>
        public int WriteBatch(IReadOnlyCollection<string> items)
        {
            if (items.Count == 0) throw new ArgumentException("A batch needs at least one item.", nameof(items));
            int number = _batches + 1;
            WriteAtomically(System.IO.Path.Combine(Path, "batch", number.ToString(System.Globalization.CultureInfo.InvariantCulture)), string.Join("\n", items) + "\n");
            _batches = number;
            return number;
        }

        public void MarkComplete() => WriteAtomically(System.IO.Path.Combine(Path, "complete"), "");

        public string OutPath(string item) => System.IO.Path.Combine(Path, "out", item + ".out");
        public string ErrPath(string item) => System.IO.Path.Combine(Path, "out", item + ".err");
        /// <summary>sbatch --output pattern for Slurm's own messages about a task.</summary>
        public string SlurmLogPattern => System.IO.Path.Combine(Path, "slurm", "%A_%a.log");
        public string SlurmLogPath(string clusterJobId) => System.IO.Path.Combine(Path, "slurm", clusterJobId + ".log");

        /// <summary>Items that have a result record.</summary>
        public IEnumerable<string> ListResults() => ListNames("result", files: true);
        /// <summary>Items that some task has taken.</summary>
        public IEnumerable<string> ListClaims() => ListNames("claim", files: false);
        /// <summary>Items that have a start record.</summary>
        public IEnumerable<string> ListStarted() => ListNames("run", files: true);

        /// <summary>
        /// Tasks that Slurm requeued and that have started again: their own job id and how often they were
        /// requeued. A command such a task started before that count was reached was lost with the requeue.
        /// </summary>
        public Dictionary<string, int> ReadRequeues()
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var jobId in ListNames("requeue", files: true))
            {
                try
                {
                    string text = File.ReadAllText(System.IO.Path.Combine(Path, "requeue", jobId), Utf8).Trim();
                    if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n)) counts[jobId] = n;
                }
                catch (FileNotFoundException) { }
                catch (DirectoryNotFoundException) { }
            }
            return counts;
        }

        public SlurmTaskRecord? ReadResult(string item) => Read(System.IO.Path.Combine(Path, "result", item));
        public SlurmTaskRecord? ReadStart(string item) => Read(System.IO.Path.Combine(Path, "run", item));

        /// <summary>
        /// Takes an item for this process, with mkdir as a task takes it: true when no task had it, and then none
        /// ever will.
        /// </summary>
        public unsafe bool TryClaim(string item)
        {
            fixed (byte* p = ParallelJobs.Processes.UnixNative.Utf8z(System.IO.Path.Combine(Path, "claim", item)))
                return ParallelJobs.Processes.UnixNative.MakeDirectory(p, 0x1ed /* 0755 */) == 0;
        }

        /// <summary>Asks the task running (or about to run) the item to stop it: writes cancel/ITEM.</summary>
        public void WriteCancel(string item) => WriteAtomically(System.IO.Path.Combine(Path, "cancel", item), "");

        /// <summary>Gives an item back (its claim, made by a task that ended before starting it), so another task can take it.</summary>
        public bool ReleaseClaim(string item)
        {
            try
            {
                Directory.Delete(System.IO.Path.Combine(Path, "claim", item), recursive: false);
                return true;
            }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return false; }
        }

        private IEnumerable<string> ListNames(string sub, bool files)
        {
            string dir = System.IO.Path.Combine(Path, sub);
            IEnumerable<string> entries;
            try { entries = files ? Directory.EnumerateFiles(dir) : Directory.EnumerateDirectories(dir); }
            catch (DirectoryNotFoundException) { yield break; }
            foreach (var entry in entries)
            {
                string name = System.IO.Path.GetFileName(entry);
                if (name.Length == 0 || name[0] == '.') continue; // a task's temporary file
                yield return name;
            }
        }

        private static SlurmTaskRecord? Read(string path)
        {
            try { return SlurmTaskRecord.Parse(File.ReadAllText(path, Utf8)); }
            catch (FileNotFoundException) { return null; }
            catch (DirectoryNotFoundException) { return null; }
        }

        private static void WriteAtomically(string path, string text)
        {
            string temp = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, "." + System.IO.Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            File.WriteAllText(temp, text, Utf8);
            if (File.Exists(path)) File.Delete(path);
            File.Move(temp, path);
        }
    }
}
