using System.Globalization;

namespace ParallelJobs.Plotting
{
    /// <summary>Numbers in plots: invariant culture (a decimal comma breaks SVG), whole numbers without separators, others to 2 decimals.</summary>
    internal static class PlotNumber
    {
        public static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

        /// <summary>Axis ticks: thousands separated, as the box plot's.</summary>
        public static string Tick(double value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);
    }
}
