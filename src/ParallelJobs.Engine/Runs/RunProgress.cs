using System;
using System.Collections.Generic;
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
            long bytesCompleted = 0, long bytesTotal = 0, TimeSpan? estimatedRemaining = null)
        {
            _estimate = estimatedRemaining;
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

        private readonly TimeSpan? _estimate;

        /// <summary>
        /// The run's own estimate when it gave one (<see cref="FromDurations"/>); else from the rate so far (elapsed
        /// time per share done). Null until something is done.
        /// </summary>
        public TimeSpan? EstimatedRemaining
        {
            get
            {
                if (_estimate.HasValue) return Completed >= Total && InputComplete ? TimeSpan.Zero : _estimate;
                double f = Fraction;
                if (f <= 0) return null;
                return f >= 1 ? TimeSpan.Zero : TimeSpan.FromTicks((long)(Elapsed.Ticks * (1 - f) / f));
            }
        }

        /// <summary>
        /// Time left for items that each take about as long as those finished so far, run <paramref name="slots"/>
        /// at once: every waiting item takes the mean duration of the finished ones, every running one the rest of
        /// that mean, and that work is shared by the slots the remaining items can use; never less than the longest
        /// running item still needs. Unlike the rate since the start, this does not count the start-up, nor the
        /// first commands' wait for their slots, against the rest. Null until an item that ran has finished.
        /// </summary>
        public static TimeSpan? FromDurations(int finishedCount, TimeSpan finishedTotal, IReadOnlyList<TimeSpan> runningElapsed, int waiting, int slots)
        {
            if (runningElapsed == null) throw new ArgumentNullException(nameof(runningElapsed));
            if (finishedCount <= 0) return null;
            double mean = (double)finishedTotal.Ticks / finishedCount;
            double work = Math.Max(0, waiting) * mean, longest = 0;
            foreach (var e in runningElapsed)
            {
                double rest = Math.Max(0, mean - e.Ticks);
                work += rest;
                longest = Math.Max(longest, rest);
            }
            int inUse = Math.Min(Math.Max(1, slots), Math.Max(0, waiting) + runningElapsed.Count);
            if (inUse == 0) return TimeSpan.Zero;
            return TimeSpan.FromTicks((long)Math.Max(work / inUse, Math.Max(longest, waiting > 0 ? mean : 0)));
        }

        public override string ToString()
        {
            string left = EstimatedRemaining.HasValue ? $", about {Format(EstimatedRemaining.Value)} left" : "";
            return $"{Completed}/{Total}{(InputComplete ? "" : "+")} done, {Running} running, {Failed} failed, {Format(Elapsed)} elapsed{left}";
        }

        private static string Format(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }
}
