using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using ParallelJobs.Quality;

namespace ParallelJobs.Bench
{
    /// <summary>What one Get-QualityDistribution engine call over a data set produced.</summary>
    internal sealed class QualityTotals
    {
        public long Reads;
        public long Scores;
        public int Files;
        public int FailedFiles;
        public string? FirstError;
    }

    /// <summary>The engine's quality computation as Get-QualityDistribution drives it: one result per directory.</summary>
    internal static class EngineQuality
    {
        public static bool Available => true;

        /// <summary>Also count the per-read metrics (Get-QualityDistribution -PerRead, what the full report needs).</summary>
        public static bool PerRead { get; set; }

        /// <summary>Also write each distribution's FastQC text report (Export-QualityReport -Format FastQC) in memory: the whole report.</summary>
        public static bool Report { get; set; }
        public static string MissingReason => "the quality engine is not available";

        /// <summary>The inputs of a data-set root: each subdirectory (the seed's t1_1..t6_2), or the root itself when it holds the files.</summary>
        public static List<QualityInput> Inputs(string root)
        {
            var dirs = Directory.GetDirectories(root).OrderBy(d => d, StringComparer.Ordinal).ToList();
            if (dirs.Count == 0) return new List<QualityInput> { QualityInput.FromPath(root, recurse: false) };
            return dirs.Select(d => QualityInput.FromPath(d, recurse: false)).ToList();
        }

        public static QualityTotals Compute(string root, int workers, CancellationToken cancellationToken) =>
            Compute(Inputs(root), workers, cancellationToken);

        public static QualityTotals Compute(IReadOnlyList<QualityInput> inputs, int workers, CancellationToken cancellationToken)
        {
            var summary = QualityDistributionRun.Compute(inputs, new QualityRunOptions { ThrottleLimit = workers, PerRead = PerRead }, cancellationToken);
            if (Report)
                foreach (var d in summary.Distributions) GC.KeepAlive(ParallelJobs.Reports.FastQcReport.Format(d));
            var t = new QualityTotals
            {
                Reads = summary.Distributions.Sum(d => d.ReadCount),
                Scores = summary.Distributions.Sum(d => d.BaseCount),
                Files = summary.Distributions.Sum(d => d.FileCount),
                FailedFiles = summary.Distributions.Sum(d => d.FailedFileCount) + summary.Errors.Count,
                FirstError = summary.Errors.Count > 0 ? summary.Errors[0].ToString() : null,
            };
            return t;
        }
    }
}
