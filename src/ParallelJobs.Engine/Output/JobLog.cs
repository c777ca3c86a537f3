using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using ParallelJobs.Processes;

namespace ParallelJobs.Output
{
    /// <summary>
    /// GNU parallel's --joblog format, one line per finished command: Seq (1-based), Host, Starttime
    /// (Unix seconds), JobRuntime (s), Send, Receive (bytes), Exitval, Signal, Command. Tools that read
    /// parallel's job logs read this one; <see cref="ReadCompleted"/> is what --resume uses.
    /// </summary>
    internal sealed class JobLog : IDisposable
    {
        public const string Header = "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand";
        private readonly StreamWriter _writer;
        private readonly object _lock = new object();

        /// <param name="append">Keep the lines of an earlier run (for resuming it).</param>
        public JobLog(string path, bool append)
        {
            bool writeHeader = !append || !File.Exists(path) || new FileInfo(path).Length == 0;
            _writer = new StreamWriter(new FileStream(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
            if (writeHeader) _writer.WriteLine(Header);
            _writer.Flush();
        }

        public void Record(CommandResult r)
        {
            if (r.Status == CommandStatus.Skipped) return;
            double start = r.StartTime.HasValue ? (r.StartTime.Value.ToUniversalTime() - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds : 0;
            int exit = r.ExitCode ?? -1;
            // parallel logs the signal in its own column.
            int signal = r.Status == CommandStatus.Succeeded ? 0 : ExitSignal.Of(r.ExitCode) ?? 0;
            string line = string.Join("\t", new[]
            {
                (r.Index + 1).ToString(CultureInfo.InvariantCulture),
                ":",
                start.ToString("F3", CultureInfo.InvariantCulture),
                r.Duration.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture),
                "0",
                (r.OutputBytes + r.ErrorBytes).ToString(CultureInfo.InvariantCulture),
                exit.ToString(CultureInfo.InvariantCulture),
                signal.ToString(CultureInfo.InvariantCulture),
                SlotFileSet.EscapeField(r.Command),
            });
            lock (_lock)
            {
                _writer.WriteLine(line);
                _writer.Flush();
            }
        }

        /// <summary>
        /// Sequence numbers (1-based) recorded in a job log: all of them, or with <paramref name="succeededOnly"/>
        /// only those with Exitval 0 and no signal (GNU parallel's --resume and --resume-failed).
        /// </summary>
        public static HashSet<int> ReadCompleted(string path, bool succeededOnly)
        {
            var done = new HashSet<int>();
            if (!File.Exists(path)) return done;
            int lineNumber = 0;
            foreach (var line in File.ReadLines(path))
            {
                lineNumber++;
                if (line.Length == 0 || line.StartsWith("Seq\t", StringComparison.Ordinal)) continue;
                var f = line.Split('\t');
                if (f.Length < 9 || !int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out int seq))
                    throw new InvalidDataException($"Job log '{path}' line {lineNumber} is not a job log line (expected 9 tab-separated fields starting with a sequence number).");
                bool ok = f[6] == "0" && f[7] == "0";
                if (!succeededOnly || ok) done.Add(seq);
            }
            return done;
        }

        public void Dispose()
        {
            lock (_lock) _writer.Dispose();
        }
    }
}
