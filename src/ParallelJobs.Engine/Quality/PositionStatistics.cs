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
        internal static PositionQuality FromCounts(long[] counts, int offset, int length)
        {
            // This runs once per position, thousands of times per result: no branch per score that depends on
            // the data, except the two scans for the lowest and highest score that occur.
            var row = new PositionQuality();
            int min = 0;
            while (min < length && counts[offset + min] == 0) min++;
            if (min == length) return row;
            int max = length - 1;
            while (counts[offset + max] == 0) max--;
            long n = 0;
            long sum = 0;
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
            // All five percentiles in one walk over the scores.
            PercentileSet p = Percentiles(counts, offset, min, max, n);
            row.Percentile10 = p.P10;
            row.LowerQuartile = p.P25;
            row.Median = p.P50;
            row.UpperQuartile = p.P75;
            row.Percentile90 = p.P90;
            return row;
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

        private struct PercentileSet
        {
            public int P10, P25, P50, P75, P90;
        }

        // Scores min and max occur; those between may have count 0, which cannot make a percentile reached
        // that was not reached at the previous score, so only scores that occur are answered.
        private static PercentileSet Percentiles(long[] counts, int offset, int min, int max, long total)
        {
            var result = new PercentileSet();
            int next = 0; // which of 10, 25, 50, 75, 90 is still to be found
            long cumulative = 0;
            for (int s = min; s <= max; s++)
            {
                cumulative += counts[offset + s];
                while (Reaches(cumulative, total, PercentOf(next)))
                {
                    Set(ref result, next, s);
                    if (++next == 5) return result;
                }
            }
            // Not reached: the 90th percentile is always reached at max, where cumulative = total.
            throw new InvalidOperationException("percentiles not reached");
        }

        private static int PercentOf(int i) => i switch { 0 => 10, 1 => 25, 2 => 50, 3 => 75, _ => 90 };

        private static void Set(ref PercentileSet r, int i, int score)
        {
            switch (i)
            {
                case 0: r.P10 = score; break;
                case 1: r.P25 = score; break;
                case 2: r.P50 = score; break;
                case 3: r.P75 = score; break;
                default: r.P90 = score; break;
            }
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
