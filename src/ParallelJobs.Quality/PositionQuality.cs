using System.Globalization;

namespace ParallelJobs
{
    /// <summary>
    /// Statistics of the scores seen at one read position (1-based, as FastQC), or at a bin of positions
    /// [Position, EndPosition] when reads are very long.
    /// </summary>
    public sealed class PositionQuality
    {
        /// <summary>Name of the distribution this row belongs to, so rows from several inputs can be exported together.</summary>
        public string Name { get; internal set; } = "";
        public int Position { get; internal set; }
        public int EndPosition { get; internal set; }
        public long Count { get; internal set; }
        public double Mean { get; internal set; }
        public int Median { get; internal set; }
        public int LowerQuartile { get; internal set; }
        public int UpperQuartile { get; internal set; }
        public int Percentile10 { get; internal set; }
        public int Percentile90 { get; internal set; }
        public int Minimum { get; internal set; }
        public int Maximum { get; internal set; }

        public override string ToString() => Position == EndPosition ? Position.ToString(CultureInfo.InvariantCulture) : Position.ToString(CultureInfo.InvariantCulture) + "-" + EndPosition.ToString(CultureInfo.InvariantCulture);
    }
}
