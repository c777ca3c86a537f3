using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace ParallelJobs.Output
{
    /// <summary>
    /// GNU parallel's --joblog format, one line per finished command: Seq (1-based), Host, Starttime
    /// (Unix seconds), JobRuntime (s), Send, Receive (bytes), Exitval, Signal, Command. Tools that read
    /// parallel's job logs read this one; <see cref="Read"/> is what -Resume uses.
    /// </summary>
    internal sealed class JobLog : IDisposable
    {
        public const string Header = "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand";
        private readonly LineFile _file;

        /// <param name="append">Keep the lines of an earlier run (for resuming it).</param>
        /// <param name="keepBytes">With append: keep only this many bytes, dropping an incomplete last line
        /// (<see cref="JobLogContents.CompleteLength"/>), so the next line starts on a line of its own.</param>
        /// <param name="warn">Told once if a line cannot be written later (a full disk): recording never throws into the run.</param>
        /// <exception cref="IOException">The log cannot be opened, or its header written: the run does not start.</exception>
        public JobLog(string path, bool append, long? keepBytes = null, Action<string>? warn = null)
        {
            var stream = new FileStream(path, append ? FileMode.OpenOrCreate : FileMode.Create, FileAccess.Write, FileShare.Read, 1);
            try
            {
                if (append && keepBytes.HasValue && keepBytes.Value < stream.Length) stream.SetLength(keepBytes.Value);
                stream.Seek(0, SeekOrigin.End);
                if (stream.Length == 0)
                {
                    var header = new UTF8Encoding(false).GetBytes(Header + Environment.NewLine);
                    stream.Write(header, 0, header.Length);
                }
            }
            catch
            {
                stream.Dispose();
                throw;
            }
            _file = new LineFile(stream, path, reason =>
                $"Could not write to job log '{path}': {reason}. Commands that finish from now on are not recorded in it, so -Resume would run them again.", warn);
        }

        public void Record(CommandResult r)
        {
            // A command the run stopped (Ctrl+C, Stop-Job, a closed session) did not finish: as GNU parallel,
            // it is not logged, so -Resume runs it again. A time-out is the command's own outcome and is logged.
            if (r.Status == CommandStatus.Skipped || r.Status == CommandStatus.Cancelled) return;
            double start = r.StartTime.HasValue ? (r.StartTime.Value.ToUniversalTime() - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds : 0;
            ExitColumns(r, out int exit, out int signal);
            string line = string.Join("\t", new[]
            {
                (r.Index + 1).ToString(CultureInfo.InvariantCulture),
                SlotFileSet.EscapeField(r.JobLogHost),
                start.ToString("F3", CultureInfo.InvariantCulture),
                r.Duration.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture),
                "0",
                (r.OutputBytes + r.ErrorBytes).ToString(CultureInfo.InvariantCulture),
                exit.ToString(CultureInfo.InvariantCulture),
                signal.ToString(CultureInfo.InvariantCulture),
                SlotFileSet.EscapeField(r.Command),
            });
            _file.WriteLine(line);
        }

        /// <summary>
        /// Exitval and Signal as GNU parallel writes them: the exit code and 0 for a command that exited;
        /// 0 and the signal's number for one a signal killed; -1 (and the signal, if one killed it) for one
        /// the run stopped at its time-out, or that never ran.
        /// </summary>
        internal static void ExitColumns(CommandResult r, out int exit, out int signal)
        {
            if (r.Status == CommandStatus.TimedOut || r.Status == CommandStatus.Cancelled || !r.ExitCode.HasValue)
            {
                exit = -1;
                signal = r.Signal ?? 0;
            }
            else if (r.Signal.HasValue)
            {
                exit = 0;
                signal = r.Signal.Value;
            }
            else
            {
                exit = r.ExitCode.Value;
                signal = 0;
            }
        }

        /// <summary>
        /// What a job log records: the commands it holds (their Command field as written), all of them or with
        /// <paramref name="succeededOnly"/> only those with Exitval 0 and no signal (GNU parallel's --resume and
        /// --resume-failed, keyed by what ran instead of by sequence number). A last line without its newline is
        /// what a run interrupted while writing it leaves: it is set aside (<see cref="JobLogContents.IncompleteLine"/>),
        /// as GNU parallel does, not trusted. Any other line that is not a job log line is an error.
        /// </summary>
        /// <exception cref="InvalidDataException">A complete line is not a job log line; the message names the file and line.</exception>
        public static JobLogContents Read(string path, bool succeededOnly)
        {
            var contents = new JobLogContents();
            if (!File.Exists(path)) return contents;
            contents.CompleteLength = LengthOfCompleteLines(path, out bool incomplete);
            int lineNumber = 0;
            string? pending = null;
            foreach (var line in File.ReadLines(path))
            {
                if (pending != null) Parse(pending, lineNumber, path, succeededOnly, contents);
                lineNumber++;
                pending = line;
            }
            if (pending == null) return contents;
            if (incomplete)
            {
                contents.IncompleteLine = pending;
                contents.IncompleteLineNumber = lineNumber;
            }
            else Parse(pending, lineNumber, path, succeededOnly, contents);
            return contents;
        }

        private static void Parse(string line, int lineNumber, string path, bool succeededOnly, JobLogContents done)
        {
            if (line.Length == 0 || line.StartsWith("Seq\t", StringComparison.Ordinal)) return;
            var f = line.Split('\t');
            if (f.Length < 9 || !int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out _))
                throw new InvalidDataException($"Job log '{path}' line {lineNumber} is not a job log line (expected 9 tab-separated fields starting with a sequence number).");
            bool ok = f[6] == "0" && f[7] == "0";
            // The command is the rest of the line: a GNU parallel log does not escape a tab inside it.
            if (!succeededOnly || ok) done.Add(string.Join("\t", f, 8, f.Length - 8));
        }

        /// <summary>Bytes up to and including the last newline; <paramref name="incomplete"/> when more follow it.</summary>
        private static long LengthOfCompleteLines(string path, out bool incomplete)
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            long end = fs.Length;
            var buffer = new byte[64 * 1024];
            long pos = end;
            while (pos > 0)
            {
                int n = (int)Math.Min(buffer.Length, pos);
                pos -= n;
                fs.Position = pos;
                int read = 0;
                while (read < n)
                {
                    int r = fs.Read(buffer, read, n - read);
                    if (r <= 0) throw new EndOfStreamException($"Job log '{path}' became shorter while it was read.");
                    read += r;
                }
                int nl = Array.LastIndexOf(buffer, (byte)'\n', n - 1, n);
                if (nl >= 0)
                {
                    long complete = pos + nl + 1;
                    incomplete = complete < end;
                    return complete;
                }
            }
            incomplete = end > 0;
            return 0;
        }

        public void Dispose()
        {
            _file.Dispose();
        }
    }

    /// <summary>What <see cref="JobLog.Read"/> found in a job log.</summary>
    internal sealed class JobLogContents
    {
        private readonly Dictionary<string, int> _commands = new Dictionary<string, int>(StringComparer.Ordinal);

        /// <summary>How many rows to skip are left in all (each row skips one command).</summary>
        public int Count { get; private set; }

        internal void Add(string field)
        {
            _commands.TryGetValue(field, out int n);
            _commands[field] = n + 1;
            Count++;
        }

        /// <summary>
        /// True, and one row fewer left, when the log holds a row for this command line: as this module writes
        /// it (tabs, newlines and backslashes escaped) or as GNU parallel writes it (as is). Each row matches
        /// one command, so a command given twice with one row runs once more.
        /// </summary>
        public bool TryTake(string command)
        {
            return Take(Output.SlotFileSet.EscapeField(command)) || Take(command);

            bool Take(string key)
            {
                if (!_commands.TryGetValue(key, out int n)) return false;
                if (n == 1) _commands.Remove(key);
                else _commands[key] = n - 1;
                Count--;
                return true;
            }
        }
        /// <summary>A last line without its newline (ignored); null when the log ends with a whole line.</summary>
        public string? IncompleteLine { get; set; }
        /// <summary>1-based line number of <see cref="IncompleteLine"/>.</summary>
        public int IncompleteLineNumber { get; set; }
        /// <summary>Bytes of the log up to the end of its last whole line.</summary>
        public long CompleteLength { get; set; }
    }
}
