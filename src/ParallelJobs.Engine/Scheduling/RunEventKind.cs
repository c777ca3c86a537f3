namespace ParallelJobs.Scheduling
{
    internal enum RunEventKind
    {
        /// <summary>A command was added (Command is its display text); it waits for a slot, or ends at once when skipped.</summary>
        CommandAdded,
        /// <summary>A command got a slot and its process started.</summary>
        CommandStarted,
        /// <summary>A command's result is ready (in input order with KeepOrder).</summary>
        CommandFinished,
        /// <summary>
        /// Something the user should know that is no command's result (a job log line ignored, a file of the
        /// run that could not be written): Message says what. A cmdlet writes it as a warning.
        /// </summary>
        Warning,
        /// <summary>Something a user debugging a run reads (Message says what), no warning: a cmdlet writes it as a verbose record only.</summary>
        Note,
    }
}
