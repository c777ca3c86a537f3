using System;
using System.Globalization;

namespace ParallelJobs.Runs
{
    /// <summary>
    /// How far engine work has got at one moment: the one progress shape every run gives (a run of commands
    /// counts commands, a quality run counts files and their bytes). Callers ask for it when they want it
    /// (<see cref="IEngineRun.GetProgress"/>); no run pushes progress events.
    /// </summary>
    internal sealed class RunProgress
    {
        public RunProgress(string unit, int total, int completed, int running, int failed, bool inputComplete, TimeSpan elapsed,
            long bytesCompleted = 0, long bytesTotal = 0)
        {
            Unit = unit;
            Total = total;
            Completed = completed;
            Running = running;
            Failed = failed;
            InputComplete = inputComplete;
            Elapsed = elapsed;
            BytesCompleted = bytesCompleted;
            BytesTotal = bytesTotal;
        }

        /// <summary>What is counted, plural: "commands", "files".</summary>
        public string Unit { get; }
        /// <summary>Items added so far (grows while <see cref="InputComplete"/> is false).</summary>
        public int Total { get; }
        /// <summary>Items that have their outcome, failed ones included.</summary>
        public int Completed { get; }
        public int Running { get; }
        public int Failed { get; }
        public int Waiting => Math.Max(0, Total - Completed - Running);
        /// <summary>False while more input may still arrive (Total may grow).</summary>
        public bool InputComplete { get; }
        public TimeSpan Elapsed { get; }
        /// <summary>When the items have sizes (files): bytes of the completed items, and of all items; else 0.</summary>
        public long BytesCompleted { get; }
        public long BytesTotal { get; }

        /// <summary>The share done, 0 to 1: by bytes when the items have sizes, else by count.</summary>
        public double Fraction => BytesTotal > 0 ? Math.Min(1.0, (double)BytesCompleted / BytesTotal)
            : Total > 0 ? Math.Min(1.0, (double)Completed / Total) : 0.0;

        public int PercentComplete => (int)(Fraction * 100);

        /// <summary>From the rate so far (elapsed time per share done); null until something is done.</summary>
        public TimeSpan? EstimatedRemaining
        {
            get
            {
                double f = Fraction;
                if (f <= 0) return null;
                return f >= 1 ? TimeSpan.Zero : TimeSpan.FromTicks((long)(Elapsed.Ticks * (1 - f) / f));
            }
        }

        public override string ToString()
        {
            string left = EstimatedRemaining.HasValue ? $", about {Format(EstimatedRemaining.Value)} left" : "";
            return $"{Completed}/{Total}{(InputComplete ? "" : "+")} done, {Running} running, {Failed} failed, {Format(Elapsed)} elapsed{left}";
        }

        private static string Format(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }
}
