using System.Globalization;

namespace ParallelJobs.Scheduling
{
    /// <summary>What a run hands back to the one thread that drains it (the pipeline thread, in a cmdlet).</summary>
    internal sealed class RunEvent
    {
        internal RunEvent(RunEventKind kind, int index, int slot, int processId, string? command, CommandResult? result)
        {
            Kind = kind;
            Index = index;
            Slot = slot;
            ProcessId = processId;
            Command = command;
            Result = result;
        }

        internal RunEvent(RunEventKind kind, int index, int slot, int processId, string? command, CommandResult? result, string? message)
            : this(kind, index, slot, processId, command, result)
        {
            Message = message;
        }

        internal RunEvent(string warning)
            : this(RunEventKind.Warning, -1, -1, 0, null, null)
        {
            Message = warning;
        }

        /// <summary>Something only -Verbose shows (how a host was found to be), no command's.</summary>
        internal static RunEvent Note(string text) => new RunEvent(RunEventKind.Note, -1, -1, 0, null, null, text);

        public RunEventKind Kind { get; }
        public int Index { get; }
        public int Slot { get; }
        public int ProcessId { get; }
        /// <summary>For CommandStarted: the machine whose slot runs it (Slot is numbered within it).</summary>
        public string? ComputerName { get; internal set; }
        public string? Command { get; }
        /// <summary>Set for CommandFinished.</summary>
        public CommandResult? Result { get; }
        /// <summary>
        /// Set for Warning: what happened, naming the file concerned. For CommandStarted: where, beyond the slot,
        /// and which attempt (" on node1, attempt 2 of 3 after: Exited with code 1."); null when nothing.
        /// </summary>
        public string? Message { get; }

        /// <summary>
        /// What a user debugging a run reads about this event (a cmdlet writes it as a verbose record): where and
        /// what a command started (and, when it starts again, which attempt and why the last one failed), how it
        /// ended and how long it took; null for the events that say nothing new.
        /// </summary>
        public string? Describe()
        {
            string number = "Command " + (Index + 1).ToString(CultureInfo.InvariantCulture);
            switch (Kind)
            {
                case RunEventKind.CommandStarted:
                    return number + " started in slot " + Slot.ToString(CultureInfo.InvariantCulture) + Message + ", process "
                        + ProcessId.ToString(CultureInfo.InvariantCulture) + ": " + Command;
                case RunEventKind.CommandFinished:
                    var r = Result!;
                    string exit = r.ExitCode.HasValue ? ", exit code " + r.ExitCode.Value.ToString(CultureInfo.InvariantCulture) : "";
                    string slot = r.Slot >= 0 ? " in slot " + r.Slot.ToString(CultureInfo.InvariantCulture) + (r.JobLogHost != ":" ? " on " + r.ComputerName : "") : "";
                    string took = r.StartTime.HasValue ? " after " + r.Duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + " s" : "";
                    string attempts = r.Attempts > 1 ? " (" + r.Attempts.ToString(CultureInfo.InvariantCulture) + " attempts)" : "";
                    string reason = r.Reason != null ? ". " + r.Reason : "";
                    return number + " " + r.Status + exit + slot + took + attempts + reason;
                case RunEventKind.Note:
                    return Message;
                default:
                    return null;
            }
        }

        public override string ToString() => Kind + " #" + Index;
    }
}
