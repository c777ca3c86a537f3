using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ParallelJobs.Plotting
{
    /// <summary>
    /// Groups read positions into bins so that a plot of any read length fits its width: 150 bp reads in a
    /// 70-column terminal become bins of 5 positions, 2 Mbp nanopore reads become bins of 50,000.
    /// </summary>
    internal static class PositionGrouping
    {
        /// <summary>Last position covered by the rows (rows may be bins; EndPosition 0 means a single position).</summary>
        public static int LastPosition(IEnumerable<PositionQuality> rows)
        {
            int last = 0;
            foreach (var row in rows)
            {
                last = Math.Max(last, EndOf(row));
            }
            return last;
        }

        /// <summary>
        /// Positions per group so that at most <paramref name="maxGroups"/> groups cover 1..<paramref name="lastPosition"/>:
        /// the input's own bin width when that is enough, otherwise a round number (1, 2, 5 × 10^k) that is a
        /// multiple of it, so a group never splits an input bin.
        /// </summary>
        public static int ChooseSpan(int lastPosition, int binWidth, int maxGroups)
        {
            binWidth = Math.Max(1, binWidth);
            maxGroups = Math.Max(1, maxGroups);
            if (lastPosition <= 0 || CeilingDivide(lastPosition, binWidth) <= maxGroups)
            {
                return binWidth;
            }
            int raw = CeilingDivide(lastPosition, maxGroups);
            double nice = AxisTicks.NiceStep(raw);
            int span = nice >= int.MaxValue ? int.MaxValue : (int)nice;
            if (span % binWidth != 0)
            {
                span = CeilingDivide(Math.Max(raw, binWidth), binWidth) * binWidth;
            }
            return span;
        }

        /// <summary>Axis label for positions grouped by <paramref name="span"/>: says when a point stands for a bin.</summary>
        public static string AxisLabel(int span) =>
            span <= 1 ? "Position" : "Position (bins of " + span.ToString("N0", CultureInfo.InvariantCulture) + " bp)";

        /// <summary>
        /// Groups rows by position: group k holds positions k·span+1 .. (k+1)·span. Rows with no scores (Count 0)
        /// are left out when any row has scores; objects built by hand without counts weigh each row equally.
        /// </summary>
        public static IReadOnlyList<PositionGroup> Group(IEnumerable<PositionQuality> rows, int span)
        {
            span = Math.Max(1, span);
            var all = rows.Where(r => r != null && r.Position >= 1 && !double.IsNaN(r.Mean)).OrderBy(r => r.Position).ToList();
            bool anyCounted = all.Any(r => r.Count > 0);
            var used = anyCounted ? all.Where(r => r.Count > 0).ToList() : all;

            var groups = new List<PositionGroup>();
            foreach (var bucket in used.GroupBy(r => (r.Position - 1) / span))
            {
                var members = bucket.ToList();
                double totalWeight = members.Sum(m => Weight(m, anyCounted));
                double Average(Func<PositionQuality, double> value) =>
                    members.Sum(m => Weight(m, anyCounted) * value(m)) / totalWeight;

                groups.Add(new PositionGroup
                {
                    Start = bucket.Key * span + 1,
                    End = Math.Max(bucket.Key * span + 1, members.Max(EndOf)),
                    Count = members.Sum(m => m.Count),
                    Mean = Average(m => m.Mean),
                    Median = Average(m => m.Median),
                    LowerQuartile = Average(m => m.LowerQuartile),
                    UpperQuartile = Average(m => m.UpperQuartile),
                    Percentile10 = Average(m => m.Percentile10),
                    Percentile90 = Average(m => m.Percentile90),
                    Minimum = members.Min(m => m.Minimum),
                    Maximum = members.Max(m => m.Maximum),
                });
            }
            return groups;
        }

        private static double Weight(PositionQuality row, bool anyCounted) => anyCounted ? row.Count : 1;

        private static int EndOf(PositionQuality row) => Math.Max(row.Position, row.EndPosition);

        private static int CeilingDivide(int value, int divisor) => (int)(((long)value + divisor - 1) / divisor);
    }
}
