namespace ParallelJobs
{
    /// <summary>
    /// Statistics of the scores seen at one read position (1-based, as FastQC), or at a bin of positions
    /// [Position, EndPosition] when reads are very long.
    /// </summary>
    public sealed class PositionQuality
    {
        /// <summary>Name of the distribution this row belongs to, so rows from several inputs can be exported together.</summary>
        public string Name { get; set; } = "";
        public int Position { get; set; }
        public int EndPosition { get; set; }
        public long Count { get; set; }
        public double Mean { get; set; }
        public int Median { get; set; }
        public int LowerQuartile { get; set; }
        public int UpperQuartile { get; set; }
        public int Percentile10 { get; set; }
        public int Percentile90 { get; set; }
        public int Minimum { get; set; }
        public int Maximum { get; set; }

        public override string ToString() => Position == EndPosition ? Position.ToString() : Position + "-" + EndPosition;
    }
}
