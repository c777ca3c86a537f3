using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ParallelJobs.Plotting
{
    /// <summary>A quality plot's title, as the Python plotting script users know writes it: <c>"%s [%d, %d]" % (title, min(plot_mean), max(plot_mean))</c>.</summary>
    internal static class PlotTitle
    {
        /// <summary>
        /// <c>name [min, max]</c> of the plotted means. Python's <c>%d</c> of a float truncates toward zero
        /// (27.9 gives 27), so this does too; no data gives <c>name [no data]</c>, where that script would fail.
        /// </summary>
        public static string Format(string? name, IEnumerable<double> plottedMeans)
        {
            var means = plottedMeans.Where(m => !double.IsNaN(m)).ToList();
            string label = name ?? "";
            if (means.Count == 0)
            {
                return label + " [no data]";
            }
            return string.Format(CultureInfo.InvariantCulture, "{0} [{1}, {2}]",
                label, (long)Math.Truncate(means.Min()), (long)Math.Truncate(means.Max()));
        }

        public static string Format(string? name, IEnumerable<PositionGroup> plottedGroups) =>
            Format(name, plottedGroups.Select(g => g.Mean));
    }
}
