namespace ParallelJobs.Scheduling
{
    /// <summary>What a run does with commands an earlier run's job log already records (GNU parallel's --resume).</summary>
    internal enum ResumeMode
    {
        /// <summary>Run everything; the job log starts afresh.</summary>
        None,
        /// <summary>Skip every command the job log records, whatever its outcome (--resume).</summary>
        Resume,
        /// <summary>Skip only the commands the job log records as succeeded; run failed ones again (--resume-failed).</summary>
        ResumeFailed,
    }
}
