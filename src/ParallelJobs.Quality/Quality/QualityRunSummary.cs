using System;
using System.Collections.Generic;

namespace ParallelJobs.Quality
{
    /// <summary>Everything a finished run produced: results, errors and warnings.</summary>
    internal sealed class QualityRunSummary
    {
        public QualityRunSummary(IReadOnlyList<QualityDistribution> distributions, IReadOnlyList<QualityFileError> errors, IReadOnlyList<QualityFileWarning>? warnings = null)
        {
            Distributions = distributions;
            Errors = errors;
            Warnings = warnings ?? Array.Empty<QualityFileWarning>();
        }

        public IReadOnlyList<QualityDistribution> Distributions { get; }
        public IReadOnlyList<QualityFileError> Errors { get; }
        public IReadOnlyList<QualityFileWarning> Warnings { get; }
    }
}
