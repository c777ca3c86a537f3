using System;

namespace ParallelJobs.Statistics
{
    /// <summary>
    /// A frozen copy of a <see cref="QualityHistogram"/>: what a quality distribution keeps so that it
    /// can be saved, loaded and merged exactly later (its rows alone cannot be added). Only the scores that occur
    /// anywhere are kept (columns are [<see cref="LowScore"/>, <see cref="LowScore"/> + <see cref="ScoreSpan"/>)),
    /// so 150 positions of Illumina scores 2..41 take 48 KB, not the 112 KB of the live histogram.
    /// </summary>
    internal sealed class QualityCounts
    {
        public static readonly QualityCounts Empty = new QualityCounts(0, 0, 0, 0, 0, 0, 0, Array.Empty<long>());

        public QualityCounts(int shift, long readCount, long baseCount, int minLength, int maxLength, int lowScore, int scoreSpan, long[] counts)
        {
            Shift = shift;
            ReadCount = readCount;
            BaseCount = baseCount;
            MinLength = minLength;
            MaxLength = maxLength;
            LowScore = lowScore;
            ScoreSpan = scoreSpan;
            Counts = counts ?? throw new ArgumentNullException(nameof(counts));
        }

        /// <summary>log2 of the bin width (0: exact positions).</summary>
        public int Shift { get; }
        public long ReadCount { get; }
        public long BaseCount { get; }
        public int MinLength { get; }
        public int MaxLength { get; }
        public int LowScore { get; }
        public int ScoreSpan { get; }
        /// <summary>Flat [column * ScoreSpan + score - LowScore], <see cref="ColumnCount"/> columns.</summary>
        public long[] Counts { get; }

        /// <summary>Per-read counts, when they were collected (Get-QualityDistribution -PerRead); never changed once here.</summary>
        public ReadMetrics? Reads { get; set; }

        public int BinWidth => 1 << Shift;
        public int ColumnCount => MaxLength == 0 ? 0 : ((MaxLength - 1) >> Shift) + 1;

        public long GetCount(int column, int score)
        {
            int s = score - LowScore;
            return (uint)s < (uint)ScoreSpan && (uint)column < (uint)ColumnCount ? Counts[column * ScoreSpan + s] : 0;
        }

        /// <summary>The smallest shift that keeps a read of this length within <see cref="QualityHistogram.MaxColumns"/> columns: what a histogram that saw it has.</summary>
        public static int ShiftFor(int maxLength)
        {
            int shift = 0;
            while (maxLength > 0 && ((maxLength - 1) >> shift) >= QualityHistogram.MaxColumns) shift++;
            return shift;
        }

        /// <summary>A histogram holding exactly these counts (for statistics, or to add more to).</summary>
        public QualityHistogram ToHistogram()
        {
            var histogram = new QualityHistogram();
            histogram.Add(this);
            return histogram;
        }
    }
}
