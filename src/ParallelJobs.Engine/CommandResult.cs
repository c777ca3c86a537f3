using System;
using System.Collections.Generic;
using System.Linq;

namespace ParallelJobs
{
    /// <summary>
    /// What one command did. Exactly one per input, whatever happened: success, failure, time-out,
    /// failed start or cancellation.
    /// </summary>
    public sealed class CommandResult
    {
        private static readonly string[] NoLines = Array.Empty<string>();
        private SlotOutputLine[] _lines = Array.Empty<SlotOutputLine>();
        private string[]? _output;
        private string[]? _error;

        /// <summary>0-based position of the input.</summary>
        public int Index { get; internal set; }
        /// <summary>The command line as run, after replacement tokens were filled in.</summary>
        public string Command { get; internal set; } = "";
        /// <summary>The input object's text ({}), if the command came from a template.</summary>
        public string? InputObject { get; internal set; }
        /// <summary>0-based slot that ran it; -1 if it never got a slot (cancelled while waiting).</summary>
        public int Slot { get; internal set; } = -1;
        /// <summary>Process id of the command's top process; 0 if it never started.</summary>
        public int ProcessId { get; internal set; }
        /// <summary>
        /// Exit code; null if the process never started or its code is unknown. A command killed by signal n
        /// shows 128 + n, as the shell's $? and $LASTEXITCODE do; <see cref="Signal"/> tells the two apart.
        /// </summary>
        public int? ExitCode { get; internal set; }
        /// <summary>
        /// The signal that killed the command's process (9 for SIGKILL), from its wait status; null when it
        /// exited by itself, never started, or where the system does not say (Windows).
        /// </summary>
        public int? Signal { get; internal set; }
        public CommandStatus Status { get; internal set; }
        public bool Succeeded => Status == CommandStatus.Succeeded;
        /// <summary>Why it did not succeed, in words; null on success.</summary>
        public string? Reason { get; internal set; }
        public DateTime? StartTime { get; internal set; }
        public DateTime? EndTime { get; internal set; }
        public TimeSpan Duration => StartTime.HasValue && EndTime.HasValue ? EndTime.Value - StartTime.Value : TimeSpan.Zero;
        /// <summary>How many times it was started (more than 1 with retries).</summary>
        public int Attempts { get; internal set; }
        /// <summary>The Slurm array task that ran the command (e.g. 1234_17); null for commands run on this machine or over SSH.</summary>
        public string? ClusterJobId { get; internal set; }
        /// <summary>Where it ran: this machine's name, or, on hosts (-HostName), the host entry without its slot count.</summary>
        public string ComputerName { get; internal set; } = Environment.MachineName;
        /// <summary>
        /// Host failures met on the way (a host that refused the connection, or dropped it while the command ran),
        /// one line each; the command was then run again on another host. For a Slurm array run: a task Slurm
        /// requeued while the command ran, which then ran again. Empty when none.
        /// </summary>
        public string[] HostFailures { get; internal set; } = Array.Empty<string>();
        /// <summary>The job log's Host column: the host entry, or ':' for this machine (as GNU parallel).</summary>
        internal string JobLogHost { get; set; } = ":";
        /// <summary>Lines printed on stdout and stderr, in arrival order (a bounded tail when written to an output directory).</summary>
        public SlotOutputLine[] Lines
        {
            get => _lines;
            internal set { _lines = value; _output = null; _error = null; }
        }
        /// <summary>Lines of stdout (a bounded tail when the run writes slot files).</summary>
        public string[] Output => _output ??= Select(StreamKind.Output);
        /// <summary>Lines of stderr (a bounded tail when the run writes slot files).</summary>
        public string[] Error => _error ??= Select(StreamKind.Error);
        /// <summary>
        /// <see cref="Output"/> as one text, its lines joined by "\n": a value that Export-Csv, ConvertTo-Json and
        /// Format-Table show as text (an array becomes "System.String[]" there). The same bounded tail as Output.
        /// </summary>
        public string StdOut => string.Join("\n", Output);
        /// <summary><see cref="Error"/> as one text, its lines joined by "\n" (see <see cref="StdOut"/>).</summary>
        public string StdErr => string.Join("\n", Error);
        /// <summary>How many stdout lines the command printed in all (more than Output holds when truncated).</summary>
        public long OutputLineCount { get; internal set; }
        public long ErrorLineCount { get; internal set; }
        public long OutputBytes { get; internal set; }
        public long ErrorBytes { get; internal set; }
        /// <summary>
        /// True when Output or Error do not hold everything the command printed: only a tail of the lines is
        /// kept, or a line longer than the run's limit was cut. The full bytes are in the slot files.
        /// </summary>
        public bool OutputTruncated => OutputLineCount > Output.Length || ErrorLineCount > Error.Length || CutLines > 0;
        /// <summary>Lines of Output and Error cut at the run's longest kept line (they end with "…").</summary>
        internal long CutLines { get; set; }
        /// <summary>
        /// True when, after the command's own process had exited, something it left running in the background
        /// still held its stdout or stderr open when the drain period ended: the result did not wait for it, and
        /// what it writes afterwards is not recorded.
        /// </summary>
        public bool OutputLeftOpen { get; internal set; }
        /// <summary>The processes that held the output open then (from /proc on Linux; empty where the system cannot tell).</summary>
        public int[] BackgroundProcessIds { get; internal set; } = Array.Empty<int>();
        /// <summary>Slot files holding every byte of this command's output, when the run had an output directory.</summary>
        public string? OutputPath { get; internal set; }
        public string? ErrorPath { get; internal set; }
        /// <summary>
        /// Why some of the command's output is not in its slot files (a full disk, a deleted output directory),
        /// naming the file; null when every byte was written or the run had no output directory. Status still
        /// says how the process itself ended.
        /// </summary>
        public string? OutputWriteError { get; internal set; }

        private string[] Select(StreamKind kind)
        {
            if (_lines.Length == 0) return NoLines;
            return _lines.Where(l => l.Stream == kind).Select(l => l.Line).ToArray();
        }

        public override string ToString() => $"[{Index}] {Status} {MessageText.Shorten(Command)}";
    }
}
