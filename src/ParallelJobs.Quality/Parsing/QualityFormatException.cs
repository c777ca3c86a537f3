using System;

namespace ParallelJobs.Parsing
{
    /// <summary>A quality file is not valid: where (line) and what (message), and how many records were good before.</summary>
    internal sealed class QualityFormatException : Exception
    {
        public QualityFormatException(long line, string message, long recordsBeforeError)
            : base(message)
        {
            Line = line;
            RecordsBeforeError = recordsBeforeError;
        }

        /// <summary>1-based line of the defect; 0 when it concerns the whole file (e.g. corrupt gzip).</summary>
        public long Line { get; }

        /// <summary>Complete, valid records read before the defect.</summary>
        public long RecordsBeforeError { get; }
    }
}
