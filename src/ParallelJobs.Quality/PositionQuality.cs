using System;
using System.Globalization;
using ParallelJobs.Statistics;

namespace ParallelJobs
{
    /// <summary>
    /// Statistics of the scores seen at one read position (1-based, as FastQC), or at a bin of positions
    /// [Position, EndPosition] when reads are very long.
    /// </summary>
    public sealed class PositionQuality
    {
        /// <summary>Name of the distribution this row belongs to, so rows from several inputs can be exported together.</summary>
        public string Name { get; internal set; } = "";
        public int Position { get; internal set; }
        public int EndPosition { get; internal set; }
        public long Count { get; internal set; }
        public double Mean { get; internal set; }
        public int Median { get; internal set; }
        public int LowerQuartile { get; internal set; }
        public int UpperQuartile { get; internal set; }
        public int Percentile10 { get; internal set; }
        public int Percentile90 { get; internal set; }
        public int Minimum { get; internal set; }
        public int Maximum { get; internal set; }

        /// <summary>The row of one position from its score counts, score s at counts[s].</summary>
        internal static PositionQuality FromCounts(long[] counts)
        {
            if (counts == null) throw new ArgumentNullException(nameof(counts));
            return FromCounts(counts, 0, counts.Length, 0, out _);
        }

        /// <summary>
        /// The rows of every column of saved counts (1-based positions as FastQC), and the sum of all scores from the
        /// same walk (for the overall mean).
        /// </summary>
        internal static PositionQuality[] Rows(QualityCounts counts, string name, out long scoreSum)
        {
            int columns = counts.ColumnCount, span = counts.ScoreSpan;
            var rows = new PositionQuality[columns];
            scoreSum = 0;
            for (int c = 0; c < columns; c++)
            {
                var row = FromCounts(counts.Counts, c * span, span, counts.LowScore, out long sum);
                scoreSum += sum;
                row.Name = name;
                row.Position = (c << counts.Shift) + 1;
                row.EndPosition = Math.Min((c + 1) << counts.Shift, counts.MaxLength);
                rows[c] = row;
            }
            return rows;
        }

        /// <summary>
        /// The row of one column: score lowScore + i at counts[offset + i], i &lt; length (a column of saved counts,
        /// without copying it); sum is the sum of its scores. Percentiles by <see cref="PositionStatistics"/>' rule.
        /// </summary>
        private static PositionQuality FromCounts(long[] counts, int offset, int length, int lowScore, out long sum)
        {
            // This runs once per position, thousands of times per result: a few short walks over the scores
            // that occur, and no call per score.
            var row = new PositionQuality();
            sum = 0;
            int min = 0;
            while (min < length && counts[offset + min] == 0) min++;
            if (min == length) return row;
            int max = length - 1;
            while (counts[offset + max] == 0) max--;
            long n = 0;
            for (int s = min; s <= max; s++)
            {
                long c = counts[offset + s];
                n += c;
                sum += s * c;
            }
            sum += lowScore * n;
            row.Count = n;
            row.Mean = (double)sum / n;
            row.Minimum = min + lowScore;
            row.Maximum = max + lowScore;
            // All five percentiles in one walk: each goes on from where the one before it was reached.
            int score = min;
            long cumulative = counts[offset + min];
            row.Percentile10 = lowScore + PositionStatistics.Walk(counts, offset, ref score, ref cumulative, PositionStatistics.Target(n, 10));
            row.LowerQuartile = lowScore + PositionStatistics.Walk(counts, offset, ref score, ref cumulative, PositionStatistics.Target(n, 25));
            row.Median = lowScore + PositionStatistics.Walk(counts, offset, ref score, ref cumulative, PositionStatistics.Target(n, 50));
            row.UpperQuartile = lowScore + PositionStatistics.Walk(counts, offset, ref score, ref cumulative, PositionStatistics.Target(n, 75));
            row.Percentile90 = lowScore + PositionStatistics.Walk(counts, offset, ref score, ref cumulative, PositionStatistics.Target(n, 90));
            return row;
        }

        public override string ToString() => Position == EndPosition ? Position.ToString(CultureInfo.InvariantCulture) : Position.ToString(CultureInfo.InvariantCulture) + "-" + EndPosition.ToString(CultureInfo.InvariantCulture);
    }
}
