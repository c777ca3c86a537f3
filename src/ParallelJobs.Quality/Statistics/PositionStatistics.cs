using System;

namespace ParallelJobs.Statistics
{
    /// <summary>
    /// The percentile rule of one column of a histogram (a result row is made from it by PositionQuality.FromCounts). Percentiles follow FastQC (QualityCount.getPercentile): with N the
    /// count of scores at that position, the percentile p is the first score whose cumulative count reaches
    /// floor(N·p/100), N·p/100 truncated to a whole number. Where that is 0 (N·p &lt; 100; FastQC prints NaN for
    /// every position of 100 or fewer scores, so it never shows such a value) the target is 1 instead, so the
    /// answer is always a score that occurs.
    /// </summary>
    internal static class PositionStatistics
    {
        // The first score from s on whose cumulative count reaches target. A score with count 0 cannot be the first
        // to reach it (the score before would have, as target >= 1), so only scores that occur are answered; a
        // target is at most N, which is reached at max at the latest.
        internal static int Walk(long[] counts, int offset, ref int s, ref long cumulative, long target)
        {
            while (cumulative < target) cumulative += counts[offset + ++s];
            return s;
        }

        /// <summary>
        /// floor(N·percent/100), at least 1: FastQC's target, computed as (N/100)·percent + (N mod 100)·percent/100
        /// so that it is exact for every N a long holds (N·percent itself could overflow).
        /// </summary>
        internal static long Target(long total, int percent)
        {
            long target = total / 100 * percent + total % 100 * percent / 100;
            return target < 1 ? 1 : target;
        }

        /// <summary>The first score s whose cumulative count reaches floor(total·percent/100) (at least 1), among scores that occur.</summary>
        public static int Percentile(long[] counts, long total, int percent)
        {
            if (counts == null) throw new ArgumentNullException(nameof(counts));
            if (percent < 0 || percent > 100) throw new ArgumentOutOfRangeException(nameof(percent));
            long target = Target(total, percent);
            long cumulative = 0;
            int last = 0;
            for (int s = 0; s < counts.Length; s++)
            {
                if (counts[s] == 0) continue;
                cumulative += counts[s];
                last = s;
                if (cumulative >= target) return s;
            }
            return last;
        }
    }
}
