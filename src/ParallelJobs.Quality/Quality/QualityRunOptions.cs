using System;
using ParallelJobs.Parsing;

namespace ParallelJobs.Quality
{
    internal sealed class QualityRunOptions
    {
        /// <summary>Worker threads (slots 0..ThrottleLimit-1); default: logical processors.</summary>
        public int ThrottleLimit { get; set; } = Environment.ProcessorCount;
        /// <summary>FASTQ offset (33 or 64); null: detected per file.</summary>
        public int? PhredOffset { get; set; }
        /// <summary>One result for all inputs instead of one per input.</summary>
        public bool Merge { get; set; }
        /// <summary>
        /// Also count per-read metrics (mean quality per read, lengths, base composition, N per position, GC per
        /// read: <see cref="QualityDistribution.Reads"/>). Off by default: the quality-only path then does no
        /// per-read work beyond one null check.
        /// </summary>
        public bool PerRead { get; set; }
        /// <summary>
        /// Every file must have a mate (names differing only in _R1/_R2 or _1/_2); one without is an error. _R1/_R2
        /// mates are checked (same records, matching ids) whether or not this is set; _1/_2 ones only with it.
        /// </summary>
        public bool Paired { get; set; }
        /// <summary>Name of the merged result.</summary>
        public string MergedName { get; set; } = "Merged";
        /// <summary>
        /// Smallest byte range a worker gets of a large plain file; files of at least twice this are shared
        /// between the workers. Internal: tests make it small, so that small files are split into many ranges.
        /// </summary>
        internal long MinimumRangeBytes { get; set; } = QualityFileReader.MinimumRangeBytes;
    }
}
