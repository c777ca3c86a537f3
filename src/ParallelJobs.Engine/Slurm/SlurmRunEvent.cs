namespace ParallelJobs.Slurm
{
    internal enum SlurmRunEventKind
    {
        /// <summary>A task wrote the command's start record (Start is set).</summary>
        CommandStarted,
        /// <summary>The command's one result (Result is set).</summary>
        CommandFinished,
        /// <summary>Every command has its result; nothing more will come.</summary>
        RunCompleted,
    }

    /// <summary>What a <see cref="SlurmRun"/> hands back to the one thread that drains it.</summary>
    internal sealed class SlurmRunEvent
    {
        public SlurmRunEvent(SlurmRunEventKind kind, int index, SlurmTaskRecord? start, SlurmCommandResult? result)
        {
            Kind = kind;
            Index = index;
            Start = start;
            Result = result;
        }

        public SlurmRunEventKind Kind { get; }
        public int Index { get; }
        public SlurmTaskRecord? Start { get; }
        public SlurmCommandResult? Result { get; }

        public override string ToString() => Kind + " #" + Index;
    }
}
