using System.Collections.Generic;

namespace ParallelJobs.Quality
{
    /// <summary>Everything a finished run produced: results and errors.</summary>
    public sealed class QualityRunSummary
    {
        public QualityRunSummary(IReadOnlyList<QualityDistribution> distributions, IReadOnlyList<QualityFileError> errors)
        {
            Distributions = distributions;
            Errors = errors;
        }

        public IReadOnlyList<QualityDistribution> Distributions { get; }
        public IReadOnlyList<QualityFileError> Errors { get; }
    }
}
