namespace ParallelJobs.Quality
{
    /// <summary>An error about one file or directory, delivered as data through the run's events.</summary>
    internal sealed class QualityFileError
    {
        public QualityFileError(QualityErrorKind kind, string path, long line, string message, long recordsBeforeError)
        {
            Kind = kind;
            Path = path;
            Line = line;
            Message = message;
            RecordsBeforeError = recordsBeforeError;
        }

        public QualityErrorKind Kind { get; }
        public string Path { get; }
        /// <summary>1-based line of the defect; 0 when no line applies.</summary>
        public long Line { get; }
        public string Message { get; }
        /// <summary>Valid records read before the defect (the file still contributes nothing).</summary>
        public long RecordsBeforeError { get; }

        public override string ToString() => Line > 0 ? Path + ":" + Line + ": " + Message : Path + ": " + Message;
    }
}
