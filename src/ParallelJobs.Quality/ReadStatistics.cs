using System;
using System.Collections.Generic;
using ParallelJobs.Statistics;

namespace ParallelJobs
{
    /// <summary>
    /// Per-read metrics of a <see cref="QualityDistribution"/> (Get-QualityDistribution -PerRead): computed from
    /// whole-number counts (see <see cref="ReadMetrics"/>), so merged and loaded distributions give the same numbers
    /// as one run. Definitions follow FastQC's modules of the same names.
    /// </summary>
    public sealed class ReadStatistics
    {
        internal ReadStatistics(ReadMetrics metrics, PositionQuality[] positions)
        {
            Metrics = metrics;
            long[] bases = metrics.BaseCounts;
            ACount = bases[ReadMetrics.A];
            CCount = bases[ReadMetrics.C];
            GCount = bases[ReadMetrics.G];
            TCount = bases[ReadMetrics.T];
            NCount = bases[ReadMetrics.N];
            long acgt = ACount + CCount + GCount + TCount;
            GcPercent = acgt == 0 ? 0 : (int)((GCount + CCount) * 100 / acgt);
            var lengths = metrics.Lengths();
            LengthCounts = ToLengthCounts(lengths);
            LengthDistribution = LengthBins(lengths);
            ComputeN50(lengths);
            long[] mean = metrics.MeanQualityCounts;
            var rows = new List<ReadQualityCount>();
            int first = Array.FindIndex(mean, c => c != 0), last = Array.FindLastIndex(mean, c => c != 0);
            for (int q = first; first >= 0 && q <= last; q++) rows.Add(new ReadQualityCount(q, mean[q]));
            MeanQuality = rows.ToArray();
            GcContent = GcCurve(metrics.GcCounts());
            long[] n = metrics.NCounts();
            var nRows = new PositionNContent[n.Length];
            for (int c = 0; c < n.Length; c++)
            {
                long atPosition = c < positions.Length ? positions[c].Count : 0;
                nRows[c] = new PositionNContent(c < positions.Length ? positions[c].Position : (c << metrics.NShift) + 1,
                    c < positions.Length ? positions[c].EndPosition : (c + 1) << metrics.NShift, n[c], atPosition == 0 ? 0 : 100 * (n[c] / (double)atPosition));
            }
            NContent = nRows;
        }

        internal ReadMetrics Metrics { get; }

        /// <summary>Reads per mean quality (the floor of the mean of the read's scores), lowest to highest: FastQC's "Per sequence quality scores".</summary>
        public ReadQualityCount[] MeanQuality { get; }
        /// <summary>Reads per exact length, shortest first.</summary>
        public ReadLengthCount[] LengthCounts { get; }
        /// <summary>Read lengths in at most about 50 bins of 1, 2, 5 × 10^k bases (FastQC's "Sequence Length Distribution"; exact lengths when they fit).</summary>
        public ReadLengthCount[] LengthDistribution { get; }
        /// <summary>N bases per position (bins of positions for long reads, as <see cref="QualityDistribution.Positions"/>) and their percentage of the bases there.</summary>
        public PositionNContent[] NContent { get; }
        /// <summary>Reads per GC percentage 0..100, FastQC's smoothed model ("Per sequence GC content").</summary>
        public double[] GcContent { get; }
        /// <summary>G+C as a whole percentage of A, C, G and T (FastQC's %GC).</summary>
        public int GcPercent { get; }
        public long ACount { get; }
        public long CCount { get; }
        public long GCount { get; }
        public long TCount { get; }
        public long NCount { get; }
        /// <summary>Length L such that reads of at least L bases hold at least half of all bases.</summary>
        public int N50 { get; private set; }
        /// <summary>The lengths of the longest reads (up to 10), longest first.</summary>
        public int[] LongestReads { get; private set; } = Array.Empty<int>();

        private static ReadLengthCount[] ToLengthCounts(List<KeyValuePair<int, long>> lengths)
        {
            var rows = new ReadLengthCount[lengths.Count];
            for (int i = 0; i < rows.Length; i++) rows[i] = new ReadLengthCount(lengths[i].Key, lengths[i].Key, lengths[i].Value);
            return rows;
        }

        private void ComputeN50(List<KeyValuePair<int, long>> lengths)
        {
            long total = 0;
            foreach (var pair in lengths) total += pair.Key * pair.Value;
            long sum = 0;
            var longest = new List<int>();
            for (int i = lengths.Count - 1; i >= 0; i--)
            {
                var pair = lengths[i];
                for (long k = 0; k < pair.Value && longest.Count < 10; k++) longest.Add(pair.Key);
                sum += pair.Key * pair.Value;
                if (N50 == 0 && total > 0 && 2 * sum >= total) N50 = pair.Key;
            }
            LongestReads = longest.ToArray();
        }

        /// <summary>FastQC's length bins: one length either side of those that occur, in 1, 2, 5 × 10^k steps, at most about 50.</summary>
        internal static ReadLengthCount[] LengthBins(List<KeyValuePair<int, long>> lengths)
        {
            if (lengths.Count == 0) return Array.Empty<ReadLengthCount>();
            int min = lengths[0].Key, max = lengths[lengths.Count - 1].Key;
            if (min > 0) min--;
            max++;
            int interval = 1, bases = 1;
            while (true)
            {
                int[] divisions = { 1, 2, 5 };
                bool found = false;
                foreach (int d in divisions)
                {
                    if ((max - min) / (bases * d) <= 50) { interval = bases * d; found = true; break; }
                }
                if (found) break;
                bases *= 10;
            }
            int start = min / interval * interval;
            var rows = new List<ReadLengthCount>();
            int index = 0;
            for (int from = start; from <= max; from += interval)
            {
                int to = Math.Min(from + interval - 1, max);
                long count = 0;
                while (index < lengths.Count && lengths[index].Key <= to)
                {
                    if (lengths[index].Key >= from) count += lengths[index].Value;
                    index++;
                }
                rows.Add(new ReadLengthCount(from, to, count));
            }
            // The padding bins at either end are left out when empty, as FastQC does.
            if (rows.Count > 0 && rows[rows.Count - 1].Count == 0) rows.RemoveAt(rows.Count - 1);
            if (rows.Count > 0 && rows[0].Count == 0) rows.RemoveAt(0);
            return rows.ToArray();
        }

        /// <summary>
        /// FastQC's GC curve: a read of length L with g G/C counts as g/L, spread over the whole percentages that
        /// g − ½ .. g + ½ round to, each share 1/(how many counts of length L claim that percentage).
        /// </summary>
        internal static double[] GcCurve(List<long[]> gc)
        {
            var curve = new double[101];
            int modelLength = -1;
            int[] claims = new int[101];
            foreach (long[] t in gc)
            {
                int length = (int)t[0];
                if (length != modelLength)
                {
                    modelLength = length;
                    Array.Clear(claims, 0, claims.Length);
                    for (int pos = 0; pos <= length; pos++)
                    {
                        Range(pos, length, out int lo, out int hi);
                        for (int p = lo; p <= hi; p++) claims[p]++;
                    }
                }
                Range((int)t[1], length, out int low, out int high);
                for (int p = low; p <= high; p++) curve[p] += t[2] * (1d / claims[p]);
            }
            return curve;
        }

        private static void Range(int count, int length, out int low, out int high)
        {
            double lowCount = Math.Max(0, count - 0.5), highCount = Math.Min(length, count + 0.5);
            lowCount = Math.Min(lowCount, length);
            low = (int)JavaRound(lowCount * 100 / length);
            high = (int)JavaRound(highCount * 100 / length);
        }

        /// <summary>Java's Math.round: floor(x + ½).</summary>
        private static double JavaRound(double x) => Math.Floor(x + 0.5);
    }

    /// <summary>N bases at a position (or a bin of positions).</summary>
    public sealed class PositionNContent
    {
        internal PositionNContent(int position, int endPosition, long count, double percent)
        {
            Position = position;
            EndPosition = endPosition;
            Count = count;
            Percent = percent;
        }

        public int Position { get; }
        public int EndPosition { get; }
        public long Count { get; }
        /// <summary>100 × N bases / all bases at the position (FastQC's "Per base N content").</summary>
        public double Percent { get; }
    }

    /// <summary>Reads whose mean quality is <see cref="Quality"/>.</summary>
    public sealed class ReadQualityCount
    {
        internal ReadQualityCount(int quality, long count)
        {
            Quality = quality;
            Count = count;
        }

        public int Quality { get; }
        public long Count { get; }
        public override string ToString() => Quality + ": " + Count;
    }

    /// <summary>Reads of <see cref="Length"/>..<see cref="EndLength"/> bases.</summary>
    public sealed class ReadLengthCount
    {
        internal ReadLengthCount(int length, int endLength, long count)
        {
            Length = length;
            EndLength = endLength;
            Count = count;
        }

        public int Length { get; }
        public int EndLength { get; }
        public long Count { get; }
        public override string ToString() => (Length == EndLength ? Length.ToString(System.Globalization.CultureInfo.InvariantCulture) : Length + "-" + EndLength) + ": " + Count;
    }
}
