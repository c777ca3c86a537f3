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

        internal RunEvent(string warning)
            : this(RunEventKind.Warning, -1, -1, 0, null, null)
        {
            Message = warning;
        }

        public RunEventKind Kind { get; }
        public int Index { get; }
        public int Slot { get; }
        public int ProcessId { get; }
        public string? Command { get; }
        /// <summary>Set for CommandFinished.</summary>
        public CommandResult? Result { get; }
        /// <summary>Set for Warning: what happened, naming the file concerned.</summary>
        public string? Message { get; }

        public override string ToString() => Kind + " #" + Index;
    }
}
