using System;
using System.Collections.Generic;
using ParallelJobs.Parsing;
using ParallelJobs.Statistics;

namespace ParallelJobs.Quality
{
    /// <summary>
    /// One worker's running total of the small files it has read for one input and not yet handed to that input
    /// (<see cref="QualityInputAccumulator"/>). A small file's reads are recorded (<see cref="Recording"/>) and,
    /// once the whole file has proved valid, counted straight into this total; the input gets them all in one
    /// addition when the worker moves on to another input or runs out of work. So a file costs what its scores
    /// cost, not an emptying and an addition of a histogram across every position it touched, and the total
    /// stays in this worker's cache. The files count as pending for their input until they are handed over.
    /// Used by its worker's thread only.
    /// </summary>
    internal sealed class WorkerRunningTotals
    {
        private readonly QualityHistogram _histogram;
        private int _files;
        private long _firstOrder = long.MaxValue;
        private long _lastTimestamp;

        public WorkerRunningTotals(bool perRead)
        {
            _histogram = new QualityHistogram { Reads = perRead ? new ReadMetrics() : null };
        }

        /// <summary>Where a small file's reads are parsed to, before <see cref="AddRecording"/>.</summary>
        public RecordedReads Recording { get; } = new RecordedReads();

        /// <summary>
        /// What reading the held files found ("x.qual: read as .qual, 8 records"), posted when they are handed over:
        /// one burst per input instead of an event per file, each of which would wake the run's reader.
        /// </summary>
        public List<string> Messages { get; } = new List<string>();

        /// <summary>The input whose files are held here; null when none are.</summary>
        public QualityInputAccumulator? Accumulator { get; private set; }

        /// <summary>
        /// Counts <see cref="Recording"/>, a whole valid file of <paramref name="accumulator"/>'s input (the input
        /// held here, if any: the caller hands over first), into the total.
        /// </summary>
        public void AddRecording(QualityInputAccumulator accumulator, long order, long timestamp)
        {
            if (accumulator == null) throw new ArgumentNullException(nameof(accumulator));
            if (Accumulator != null && !ReferenceEquals(Accumulator, accumulator))
                throw new InvalidOperationException("The files of another input are held; hand them over first.");
            Recording.AddTo(_histogram);
            Accumulator = accumulator;
            _files++;
            if (order < _firstOrder) _firstOrder = order;
            if (timestamp > _lastTimestamp) _lastTimestamp = timestamp;
        }

        /// <summary>
        /// Adds the held files to their input and empties the total; returns the input's work still pending
        /// afterwards, or -1 when nothing was held.
        /// </summary>
        public int HandOver(int slot)
        {
            QualityInputAccumulator? accumulator = Accumulator;
            if (accumulator == null) return -1;
            int pending = accumulator.CompletedFiles(_histogram, _files, slot, _firstOrder, _lastTimestamp);
            _histogram.Clear();
            Messages.Clear();
            Accumulator = null;
            _files = 0;
            _firstOrder = long.MaxValue;
            _lastTimestamp = 0;
            return pending;
        }

        /// <summary>Hands the total's and the recording's storage back for the next run (see <see cref="QualityHistogram.Release"/>).</summary>
        public void Release()
        {
            _histogram.Release();
            Recording.Release();
        }
    }
}
