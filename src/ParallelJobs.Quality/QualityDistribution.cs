using System;
using ParallelJobs.Statistics;

namespace ParallelJobs
{
    /// <summary>
    /// Per-position quality statistics of one input (a directory, a file, or everything with -Merge).
    /// Built from per-position histograms, so it merges exactly whatever the number of workers.
    /// </summary>
    public sealed class QualityDistribution
    {
        /// <summary>Directory or file name (the plot's title).</summary>
        public string Name { get; internal set; } = "";
        /// <summary>Full path of the input this result describes (empty for -Merge).</summary>
        public string Path { get; internal set; } = "";
        /// <summary>Quality files read (including failed ones, which contribute no reads).</summary>
        public int FileCount { get; internal set; }
        /// <summary>Files that were rejected as invalid; they contribute nothing.</summary>
        public int FailedFileCount { get; internal set; }
        public long ReadCount { get; internal set; }
        public long BaseCount { get; internal set; }
        public int MinLength { get; internal set; }
        public int MaxLength { get; internal set; }
        /// <summary>Mean over every base of every read.</summary>
        public double MeanQuality { get; internal set; }
        /// <summary>FASTQ offset used (33 or 64); null when only .qual files (plain integers) were read, or when FASTQ files disagreed.</summary>
        public int? PhredOffset { get; internal set; }
        /// <summary>Positions per row of <see cref="Positions"/>: 1 means exact positions; larger for very long reads.</summary>
        public int BinWidth { get; internal set; } = 1;
        public PositionQuality[] Positions { get; internal set; } = Array.Empty<PositionQuality>();
        /// <summary>Fraction of all bases with a score of at least 20 (0 when there are none).</summary>
        public double Q20Fraction { get; internal set; }
        /// <summary>Fraction of all bases with a score of at least 30.</summary>
        public double Q30Fraction { get; internal set; }
        /// <summary>Per-read metrics (per-read mean quality, lengths, N50, GC, N per position); null unless asked for with -PerRead.</summary>
        public ReadStatistics? Reads { get; internal set; }
        /// <summary>Operating-system process that computed this result.</summary>
        public int ProcessId { get; internal set; }
        /// <summary>Worker slot (0-based) that computed it; for merged results, the slot of the first part.</summary>
        public int Slot { get; internal set; }
        /// <summary>Every worker slot that read a file of this result (work is split by file).</summary>
        public int[] Slots { get; internal set; } = Array.Empty<int>();
        public TimeSpan Duration { get; internal set; }
        public string[] Files { get; internal set; } = Array.Empty<string>();

        /// <summary>
        /// The per-position score counts the rows were computed from: what Export-QualityDistribution saves and
        /// Merge-QualityDistribution adds (rows cannot be added exactly; counts can).
        /// </summary>
        internal QualityCounts Counts { get; set; } = QualityCounts.Empty;

        /// <summary>
        /// The counts behind the rows, or an ArgumentException naming the distribution when it has none that match
        /// its totals (only possible for a distribution made by hand from rows, as some tests do).
        /// </summary>
        internal QualityCounts RequireCounts()
        {
            if (Counts.ReadCount != ReadCount || Counts.BaseCount != BaseCount || Counts.MaxLength != MaxLength)
                throw new ArgumentException("The quality distribution '" + Name + "' carries no score counts to save or merge (it was not computed by Get-QualityDistribution).");
            return Counts;
        }

        /// <summary>True when FASTQ files with different offsets were read (then <see cref="PhredOffset"/> is null), as opposed to only .qual files.</summary>
        internal bool PhredOffsetsDisagree { get; set; }

        /// <summary>
        /// A distribution whose summary (counts, lengths, rows, mean) is computed from a histogram; the caller
        /// sets what describes the inputs (files, offset, slots, time).
        /// </summary>
        internal static QualityDistribution FromHistogram(string name, string path, QualityHistogram histogram)
        {
            long bases = histogram.BaseCount;
            QualityCounts counts = histogram.ToCounts();
            PositionQuality[] positions = PositionQuality.Rows(counts, name, out long scoreSum);
            return new QualityDistribution
            {
                Name = name,
                Path = path,
                ReadCount = histogram.ReadCount,
                BaseCount = bases,
                MinLength = histogram.MinLength,
                MaxLength = histogram.MaxLength,
                MeanQuality = bases == 0 ? 0 : (double)scoreSum / bases,
                BinWidth = histogram.BinWidth,
                Positions = positions,
                Counts = counts,
                Q20Fraction = bases == 0 ? 0 : histogram.CountAtLeast(20) / (double)bases,
                Q30Fraction = bases == 0 ? 0 : histogram.CountAtLeast(30) / (double)bases,
                Reads = histogram.Reads == null ? null : new ReadStatistics(histogram.Reads.Clone(), positions),
            };
        }

        public override string ToString() => Name;
    }
}
