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
            var row = new PositionQuality();
            long n = 0;
            double sum = 0;
            int min = -1, max = -1;
            for (int s = 0; s < counts.Length; s++)
            {
                long c = counts[s];
                if (c == 0) continue;
                if (min < 0) min = s;
                max = s;
                n += c;
                sum += (double)s * c;
            }
            row.Count = n;
            if (n == 0) return row;
            row.Mean = sum / n;
            row.Minimum = min;
            row.Maximum = max;
            row.Percentile10 = Percentile(counts, n, 10);
            row.LowerQuartile = Percentile(counts, n, 25);
            row.Median = Percentile(counts, n, 50);
            row.UpperQuartile = Percentile(counts, n, 75);
            row.Percentile90 = Percentile(counts, n, 90);
            return row;
        }

        /// <summary>First score s with count(scores ≤ s)·100 ≥ N·p, among scores that occur.</summary>
        public static int Percentile(long[] counts, long total, int percent)
        {
            // decimal: N·p can exceed long range only for absurd N, but keep it exact regardless.
            decimal threshold = (decimal)total * percent;
            long cumulative = 0;
            int last = 0;
            for (int s = 0; s < counts.Length; s++)
            {
                if (counts[s] == 0) continue;
                cumulative += counts[s];
                last = s;
                if ((decimal)cumulative * 100 >= threshold) return s;
            }
            return last;
        }
    }
}
