namespace ParallelJobs.Plotting
{
    /// <summary>Maps a data interval onto a drawing interval (pixels or character cells), either way round.</summary>
    internal sealed class LinearScale
    {
        public LinearScale(double domainStart, double domainEnd, double rangeStart, double rangeEnd)
        {
            // A single position or a flat line still needs a usable scale: widen the domain around it.
            if (domainEnd == domainStart)
            {
                domainStart -= 0.5;
                domainEnd += 0.5;
            }
            DomainStart = domainStart;
            DomainEnd = domainEnd;
            RangeStart = rangeStart;
            RangeEnd = rangeEnd;
        }

        public double DomainStart { get; }
        public double DomainEnd { get; }
        public double RangeStart { get; }
        public double RangeEnd { get; }

        public double Map(double value) =>
            RangeStart + (value - DomainStart) / (DomainEnd - DomainStart) * (RangeEnd - RangeStart);

        public double Invert(double drawn) =>
            DomainStart + (drawn - RangeStart) / (RangeEnd - RangeStart) * (DomainEnd - DomainStart);
    }
}
