using System;

namespace ParallelJobs.Quality
{
    /// <summary>
    /// Statistics of one column of a histogram. Percentiles follow FastQC: the percentile p is the first score
    /// whose cumulative count reaches N·p/100 (N = count of scores at that position). FastQC truncates N·p/100
    /// to an integer, which for tiny N makes it answer score 0 even when no 0 was seen; here the comparison is
    /// exact (cumulative·100 ≥ N·p) and only scores that occur can be answered.
    /// </summary>
    public static class PositionStatistics
    {
        public static PositionQuality FromCounts(long[] counts)
        {
            if (counts == null) throw new ArgumentNullException(nameof(counts));
            return FromCounts(counts, 0, counts.Length);
        }

        /// <summary>Statistics of counts[offset .. offset+length), score s at counts[offset + s] (a histogram column, without copying it).</summary>
        internal static PositionQuality FromCounts(long[] counts, int offset, int length) => FromCounts(counts, offset, length, out _);

        /// <summary>The same, and the sum of the scores (for the overall mean, without another walk over the counts).</summary>
        internal static PositionQuality FromCounts(long[] counts, int offset, int length, out long sum)
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
            row.Count = n;
            row.Mean = (double)sum / n;
            row.Minimum = min;
            row.Maximum = max;
            if (n <= long.MaxValue / 100)
            {
                // All five percentiles in one walk: each goes on from where the one before it was reached.
                int s = min;
                long cumulative100 = counts[offset + min] * 100;
                row.Percentile10 = Walk(counts, offset, ref s, ref cumulative100, n * 10);
                row.LowerQuartile = Walk(counts, offset, ref s, ref cumulative100, n * 25);
                row.Median = Walk(counts, offset, ref s, ref cumulative100, n * 50);
                row.UpperQuartile = Walk(counts, offset, ref s, ref cumulative100, n * 75);
                row.Percentile90 = Walk(counts, offset, ref s, ref cumulative100, n * 90);
            }
            else
            {
                // Counts beyond 9·10^16 at one position: exact in decimal (Reaches), score by score.
                row.Percentile10 = Percentile(counts, offset, min, max, n, 10);
                row.LowerQuartile = Percentile(counts, offset, min, max, n, 25);
                row.Median = Percentile(counts, offset, min, max, n, 50);
                row.UpperQuartile = Percentile(counts, offset, min, max, n, 75);
                row.Percentile90 = Percentile(counts, offset, min, max, n, 90);
            }
            return row;
        }

        // The first score from s on at which cumulative·100 reaches target. A score with count 0 cannot be the first
        // to reach it (the score before would have), so only scores that occur are answered; the 90th percentile is
        // reached at max at the latest, where cumulative = N.
        private static int Walk(long[] counts, int offset, ref int s, ref long cumulative100, long target)
        {
            while (cumulative100 < target) cumulative100 += counts[offset + ++s] * 100;
            return s;
        }

        private static int Percentile(long[] counts, int offset, int min, int max, long total, int percent)
        {
            long cumulative = 0;
            for (int s = min; s <= max; s++)
            {
                cumulative += counts[offset + s];
                if (Reaches(cumulative, total, percent)) return s;
            }
            return max;
        }

        /// <summary>First score s with count(scores ≤ s)·100 ≥ N·p, among scores that occur.</summary>
        public static int Percentile(long[] counts, long total, int percent)
        {
            long cumulative = 0;
            int last = 0;
            for (int s = 0; s < counts.Length; s++)
            {
                if (counts[s] == 0) continue;
                cumulative += counts[s];
                last = s;
                if (Reaches(cumulative, total, percent)) return s;
            }
            return last;
        }

        /// <summary>cumulative·100 ≥ total·percent, exactly: in long while it cannot overflow, in decimal beyond.</summary>
        private static bool Reaches(long cumulative, long total, int percent)
        {
            const long Safe = long.MaxValue / 100;
            if (total <= Safe) return cumulative * 100 >= total * percent;
            return (decimal)cumulative * 100 >= (decimal)total * percent;
        }
    }
}
