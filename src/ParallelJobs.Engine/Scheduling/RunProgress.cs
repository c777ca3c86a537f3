using System;

namespace ParallelJobs.Scheduling
{
    /// <summary>A snapshot of how far a run has got, for Write-Progress.</summary>
    internal sealed class RunProgress
    {
        public int Total { get; internal set; }
        public int Completed { get; internal set; }
        public int Running { get; internal set; }
        public int Failed { get; internal set; }
        public int Waiting => Total - Completed - Running;
        /// <summary>False while more input may still arrive (Total may grow).</summary>
        public bool InputComplete { get; internal set; }
        public TimeSpan Elapsed { get; internal set; }
        /// <summary>From the average wall time per completed command so far; null until one has completed.</summary>
        public TimeSpan? EstimatedRemaining { get; internal set; }
        public int PercentComplete => Total == 0 ? 0 : (int)Math.Min(100, Completed * 100L / Total);

        public override string ToString()
        {
            string left = EstimatedRemaining.HasValue ? $", about {Format(EstimatedRemaining.Value)} left" : "";
            return $"{Completed}/{Total}{(InputComplete ? "" : "+")} done, {Running} running, {Failed} failed, {Format(Elapsed)} elapsed{left}";
        }

        private static string Format(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss") : t.ToString(@"m\:ss");
    }
}
