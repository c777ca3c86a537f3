using System;
using System.Collections.Generic;
using System.Linq;

namespace ParallelJobs.Plotting
{
    /// <summary>
    /// The per-read modules of a distribution as bar charts (what is drawn, not how): reads per mean quality, reads
    /// per length, N per position and reads per GC percentage. All need the per-read metrics (-PerRead).
    /// </summary>
    internal static class ModuleCharts
    {
        /// <summary>True when the distribution holds what <paramref name="kind"/> draws.</summary>
        public static bool HasData(QualityDistribution distribution, QualityPlotKind kind) =>
            kind == QualityPlotKind.PerBase || distribution?.Reads != null;

        /// <summary>Why <paramref name="kind"/> cannot be drawn for the distribution, naming it.</summary>
        public static string MissingMessage(QualityDistribution distribution, QualityPlotKind kind) =>
            "The quality distribution '" + distribution?.Name + "' has no per-read metrics, which the " + Describe(kind)
            + " needs: compute it with Get-QualityDistribution -PerRead.";

        public static string Describe(QualityPlotKind kind) => kind switch
        {
            QualityPlotKind.PerReadQuality => "per-read quality histogram",
            QualityPlotKind.Length => "read length distribution",
            _ => "quality per position",
        };

        /// <summary>The chart of a per-read kind; an ArgumentException (see <see cref="MissingMessage"/>) without the metrics.</summary>
        public static BarChart For(QualityDistribution distribution, QualityPlotKind kind) => kind switch
        {
            QualityPlotKind.PerReadQuality => PerReadQuality(distribution),
            QualityPlotKind.Length => Length(distribution),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Quality per position is a box plot, not a bar chart."),
        };

        public static BarChart PerReadQuality(QualityDistribution distribution)
        {
            var reads = Require(distribution, QualityPlotKind.PerReadQuality);
            var bars = reads.MeanQuality.Select(r => new ChartBar(r.Quality, r.Quality, r.Count)).ToList();
            return new BarChart(distribution.Name + ": quality per read", "Mean quality of the read (Phred)", "Reads", "mean quality", "reads", bars);
        }

        public static BarChart Length(QualityDistribution distribution)
        {
            var reads = Require(distribution, QualityPlotKind.Length);
            var bars = reads.LengthDistribution.Select(r => new ChartBar(r.Length, r.EndLength, r.Count)).ToList();
            return new BarChart(distribution.Name + ": read lengths", "Read length (bp)", "Reads", "length", "reads", bars);
        }

        public static BarChart NContent(QualityDistribution distribution)
        {
            var reads = Require(distribution, QualityPlotKind.PerBase, "N content per position");
            var bars = reads.NContent.Select(r => new ChartBar(r.Position, r.EndPosition, r.Percent)).ToList();
            return new BarChart(distribution.Name + ": N per position", "Position (bp)", "N (%)", "position", "% N", bars);
        }

        public static BarChart GcContent(QualityDistribution distribution)
        {
            var reads = Require(distribution, QualityPlotKind.PerBase, "GC content per read");
            double[] curve = reads.GcContent;
            var bars = new List<ChartBar>(curve.Length);
            for (int percent = 0; percent < curve.Length; percent++) bars.Add(new ChartBar(percent, percent, curve[percent]));
            return new BarChart(distribution.Name + ": GC per read", "GC content of the read (%)", "Reads", "GC %", "reads", bars);
        }

        private static ReadStatistics Require(QualityDistribution distribution, QualityPlotKind kind, string? what = null)
        {
            if (distribution == null) throw new ArgumentNullException(nameof(distribution));
            if (distribution.Reads != null) return distribution.Reads;
            string message = what == null ? MissingMessage(distribution, kind)
                : "The quality distribution '" + distribution.Name + "' has no per-read metrics, which the " + what + " needs: compute it with Get-QualityDistribution -PerRead.";
            throw new ArgumentException(message, nameof(distribution));
        }
    }
}
