namespace ParallelJobs
{
    /// <summary>How a command ended. Every input gets exactly one result with one of these.</summary>
    public enum CommandStatus
    {
        /// <summary>Exited with code 0.</summary>
        Succeeded,
        /// <summary>Exited with a non-zero code (or was killed by a signal).</summary>
        Failed,
        /// <summary>Ran longer than the time-out; its process tree was stopped.</summary>
        TimedOut,
        /// <summary>Could not be started (program not found, not executable, bad working directory).</summary>
        FailedToStart,
        /// <summary>The run was stopped (Ctrl+C, Stop-Job, -ErrorAction Stop) before or while it ran.</summary>
        Cancelled,
        /// <summary>Not run on purpose (reserved for resumed runs).</summary>
        Skipped,
        /// <summary>
        /// Run on hosts (-HostName): no host was left to run it; every host failed (connection refused, host key
        /// or authentication failure, connection lost). The reason names each host and why.
        /// </summary>
        HostUnavailable,
    }
}
