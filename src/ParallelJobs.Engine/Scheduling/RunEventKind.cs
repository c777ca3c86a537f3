namespace ParallelJobs.Scheduling
{
    internal enum RunEventKind
    {
        /// <summary>A command got a slot and its process started.</summary>
        CommandStarted,
        /// <summary>A command's result is ready (in input order with KeepOrder).</summary>
        CommandFinished,
        /// <summary>
        /// Something the user should know that is no command's result (a job log line ignored, a file of the
        /// run that could not be written): Message says what. A cmdlet writes it as a warning.
        /// </summary>
        Warning,
        /// <summary>Input is complete and every command has its result: the last event of a run.</summary>
        RunCompleted,
    }
}
