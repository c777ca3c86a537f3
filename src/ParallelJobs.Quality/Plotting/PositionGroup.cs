using System.Globalization;

namespace ParallelJobs.Plotting
{
    /// <summary>
    /// One plotted column or box: the statistics of the positions [Start, End]. When a group holds several rows,
    /// the mean is exact (count-weighted) and the other statistics are count-weighted averages of the rows'
    /// values, an approximation, because the rows carry no histograms to merge.
    /// </summary>
    internal sealed class PositionGroup
    {
        public int Start { get; set; }
        public int End { get; set; }
        public long Count { get; set; }
        public double Mean { get; set; }
        public double Median { get; set; }
        public double LowerQuartile { get; set; }
        public double UpperQuartile { get; set; }
        public double Percentile10 { get; set; }
        public double Percentile90 { get; set; }
        public double Minimum { get; set; }
        public double Maximum { get; set; }

        /// <summary>Where the group sits on the position axis.</summary>
        public double Center => (Start + End) / 2.0;

        public override string ToString() => Start == End ? Start.ToString(CultureInfo.InvariantCulture) : Start.ToString(CultureInfo.InvariantCulture) + "-" + End.ToString(CultureInfo.InvariantCulture);
    }
}
