namespace ParallelJobs.Scheduling
{
    public enum RunEventKind
    {
        /// <summary>A command got a slot and its process started.</summary>
        CommandStarted,
        /// <summary>A command's result is ready (in input order with KeepOrder).</summary>
        CommandFinished,
        /// <summary>Input is complete and every command has its result: the last event of a run.</summary>
        RunCompleted,
    }
}
