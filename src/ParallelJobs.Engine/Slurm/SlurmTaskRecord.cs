using System;
using System.Collections.Generic;
using System.Globalization;

namespace ParallelJobs.Slurm
{
    /// <summary>
    /// What a task wrote about one command: the start record (run/ITEM: where and since when) or the
    /// result record (result/ITEM: also how it ended). Plain key=value lines, one per field.
    /// </summary>
    internal sealed class SlurmTaskRecord
    {
        private static readonly DateTime Epoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        /// <summary>INDEX.ATTEMPT, the name of the command's files.</summary>
        public string Item { get; private set; } = "";
        /// <summary>ARRAYJOB_TASK, as Slurm shows array tasks (e.g. 1234_17).</summary>
        public string? ClusterJobId { get; private set; }
        /// <summary>The task's own job id (SLURM_JOB_ID), which sacct -c and scontrol know it by.</summary>
        public string? RawJobId { get; private set; }
        public string? Node { get; private set; }
        public string? Host { get; private set; }
        public int ProcessId { get; private set; }
        /// <summary>How often Slurm had requeued the task when it started the command (SLURM_RESTART_COUNT).</summary>
        public int Restart { get; private set; }
        public DateTime? StartTime { get; private set; }
        public DateTime? EndTime { get; private set; }
        /// <summary>Exit code (128 + n after signal n, as .NET reports local processes); null in a start record.</summary>
        public int? ExitCode { get; private set; }
        /// <summary>The signal that ended the command, when it was killed by one.</summary>
        public int? Signal { get; private set; }
        /// <summary>"exact" (perl read the wait status), "shell" ($? only: a signal is inferred from 128+n) or "none".</summary>
        public string? WaitStatus { get; private set; }
        /// <summary>Set when the task could not run the command at all (its command file was unreadable).</summary>
        public string? Problem { get; private set; }
        /// <summary>
        /// Set when the command was stopped through its cancel marker: "before" (taken but not started) or
        /// "running" (its process group was signalled).
        /// </summary>
        public string? Cancelled { get; private set; }
        public bool IsResult => ExitCode.HasValue;

        /// <summary>Reads a record's text; null when it is not one (empty, or without an item).</summary>
        public static SlurmTaskRecord? Parse(string text)
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var raw in text.Split('\n'))
            {
                string line = raw.TrimEnd('\r');
                int eq = line.IndexOf('=');
                if (eq <= 0) continue;
                fields[line.Substring(0, eq)] = line.Substring(eq + 1);
            }
            if (!fields.TryGetValue("item", out var item) || item.Length == 0) return null;
            var r = new SlurmTaskRecord { Item = item };
            r.ClusterJobId = Get(fields, "task");
            r.RawJobId = Get(fields, "jobid");
            r.Node = Get(fields, "node");
            r.Host = Get(fields, "host");
            r.ProcessId = ParseInt(Get(fields, "pid")) ?? 0;
            r.Restart = ParseInt(Get(fields, "restart")) ?? 0;
            r.StartTime = ParseTime(Get(fields, "start"));
            r.EndTime = ParseTime(Get(fields, "end"));
            r.ExitCode = ParseInt(Get(fields, "exit"));
            r.Signal = ParseInt(Get(fields, "signal"));
            r.WaitStatus = Get(fields, "waitstatus");
            r.Problem = Get(fields, "problem");
            r.Cancelled = Get(fields, "cancelled");
            return r;
        }

        private static string? Get(Dictionary<string, string> fields, string key) =>
            fields.TryGetValue(key, out var v) && v.Length > 0 ? v : null;

        private static int? ParseInt(string? s) =>
            s != null && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : (int?)null;

        /// <summary>Seconds since the epoch, with an optional fraction (date +%s.%N), as local time.</summary>
        internal static DateTime? ParseTime(string? s)
        {
            if (s == null || !decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal seconds)) return null;
            if (seconds <= 0 || seconds > 253402300799m) return null;
            return Epoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond)).ToLocalTime();
        }
    }
}
