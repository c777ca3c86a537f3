namespace ParallelJobs.Quality
{
    /// <summary>One thing a run reports: a result, an error or a warning. Exactly one payload is set.</summary>
    internal sealed class QualityRunEvent
    {
        private QualityRunEvent(QualityRunEventKind kind, QualityDistribution? distribution, QualityFileError? error, QualityFileWarning? warning)
        {
            Kind = kind;
            Distribution = distribution;
            Error = error;
            Warning = warning;
        }

        public QualityRunEventKind Kind { get; }
        public QualityDistribution? Distribution { get; }
        public QualityFileError? Error { get; }
        public QualityFileWarning? Warning { get; }
        /// <summary>Set for Verbose.</summary>
        public string? Message { get; private set; }

        public static QualityRunEvent ForResult(QualityDistribution distribution) => new QualityRunEvent(QualityRunEventKind.Result, distribution, null, null);
        public static QualityRunEvent ForError(QualityFileError error) => new QualityRunEvent(QualityRunEventKind.Error, null, error, null);
        public static QualityRunEvent ForVerbose(string message) => new QualityRunEvent(QualityRunEventKind.Verbose, null, null, null) { Message = message };
        public static QualityRunEvent ForWarning(QualityFileWarning warning) => new QualityRunEvent(QualityRunEventKind.Warning, null, null, warning);
    }
}
