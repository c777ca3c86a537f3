namespace ParallelJobs.Quality
{
    /// <summary>One thing a run reports: a result, an error, a warning or progress. Exactly one payload is set.</summary>
    internal sealed class QualityRunEvent
    {
        private QualityRunEvent(QualityRunEventKind kind, QualityDistribution? distribution, QualityFileError? error, QualityRunProgress? progress, QualityFileWarning? warning = null)
        {
            Warning = warning;
            Kind = kind;
            Distribution = distribution;
            Error = error;
            Progress = progress;
        }

        public QualityRunEventKind Kind { get; }
        public QualityDistribution? Distribution { get; }
        public QualityFileError? Error { get; }
        public QualityRunProgress? Progress { get; }
        public QualityFileWarning? Warning { get; }

        public static QualityRunEvent ForResult(QualityDistribution distribution) => new QualityRunEvent(QualityRunEventKind.Result, distribution, null, null);
        public static QualityRunEvent ForError(QualityFileError error) => new QualityRunEvent(QualityRunEventKind.Error, null, error, null);
        public static QualityRunEvent ForWarning(QualityFileWarning warning) => new QualityRunEvent(QualityRunEventKind.Warning, null, null, null, warning);
        public static QualityRunEvent ForProgress(QualityRunProgress progress) => new QualityRunEvent(QualityRunEventKind.Progress, null, null, progress);
    }
}
