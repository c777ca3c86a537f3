namespace ParallelJobs.Quality
{
    internal enum QualityRunEventKind
    {
        /// <summary><see cref="QualityRunEvent.Distribution"/> is a finished result.</summary>
        Result,
        /// <summary><see cref="QualityRunEvent.Error"/> describes a failed file or an empty directory.</summary>
        Error,
        /// <summary><see cref="QualityRunEvent.Warning"/> is about a file that was read and counted, or a link that was not followed.</summary>
        Warning,
        /// <summary><see cref="QualityRunEvent.Message"/> says what the run did with an input or a file (read how, or skipped): for -Verbose.</summary>
        Verbose,
    }
}
