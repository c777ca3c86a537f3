using System;
using System.Collections.Generic;
using System.Diagnostics;
using ParallelJobs.Parsing;
using ParallelJobs.Statistics;

namespace ParallelJobs.Quality
{
    /// <summary>
    /// The running total of one result (an input, or everything with -Merge). Workers add whole, valid files
    /// to it under its lock; a file that failed only increments the failure count, so it contributes nothing.
    /// </summary>
    internal sealed class QualityInputAccumulator
    {
        private readonly object _gate = new object();
        private readonly QualityHistogram _histogram = new QualityHistogram();
        private readonly SortedSet<int> _slots = new SortedSet<int>();
        private readonly List<string> _files = new List<string>();
        private int _pending;
        private int _fileCount;
        private int _failedFileCount;
        private int _firstSlot = -1;
        private long _firstFileOrder = long.MaxValue;
        private int? _phredOffset;
        private bool _offsetsDisagree;
        private long _startTimestamp = long.MaxValue;
        private long _endTimestamp;

        public QualityInputAccumulator(string name, string path, long sequence = 0)
        {
            Name = name;
            Path = path;
            Sequence = sequence;
        }

        public string Name { get; }
        public string Path { get; }
        /// <summary>Position of its input among the run's inputs (0-based): results are posted in this order.</summary>
        public long Sequence { get; }

        public void AddFiles(IReadOnlyList<string> files)
        {
            lock (_gate)
            {
                _files.AddRange(files);
                _pending += files.Count;
            }
        }

        public void Started(long timestamp)
        {
            lock (_gate)
            {
                if (timestamp < _startTimestamp) _startTimestamp = timestamp;
            }
        }

        /// <summary>A slot that read part of a file (a byte range); the slot that completes it is added by <see cref="Completed"/>.</summary>
        public void AddSlot(int slot)
        {
            lock (_gate) _slots.Add(slot);
        }

        /// <summary>Adds a valid file; returns the files still pending.</summary>
        public int Completed(QualityHistogram fileHistogram, QualityFileScan scan, int slot, long order, long timestamp)
        {
            lock (_gate)
            {
                _histogram.Add(fileHistogram, scan.ScoreShift);
                if (scan.PhredOffset != null)
                {
                    if (_phredOffset == null && !_offsetsDisagree) _phredOffset = scan.PhredOffset;
                    else if (_phredOffset != scan.PhredOffset) { _offsetsDisagree = true; _phredOffset = null; }
                }
                return Done(slot, order, timestamp);
            }
        }

        /// <summary>Counts a failed file; returns the files still pending.</summary>
        public int Failed(int slot, long order, long timestamp)
        {
            lock (_gate)
            {
                _failedFileCount++;
                return Done(slot, order, timestamp);
            }
        }

        private int Done(int slot, long order, long timestamp)
        {
            _fileCount++;
            _slots.Add(slot);
            if (order < _firstFileOrder) { _firstFileOrder = order; _firstSlot = slot; }
            if (timestamp > _endTimestamp) _endTimestamp = timestamp;
            return --_pending;
        }

        /// <summary>
        /// The result, once every file is in. The histogram's storage then goes back for the next run, so this
        /// is called once, and nothing is added afterwards.
        /// </summary>
        public QualityDistribution TakeDistribution(int processId)
        {
            lock (_gate)
            {
                try { return ToDistribution(processId); }
                finally { _histogram.Release(); }
            }
        }

        private QualityDistribution ToDistribution(int processId)
        {
            var slots = new int[_slots.Count];
            _slots.CopyTo(slots);
            long ticks = _startTimestamp == long.MaxValue || _endTimestamp < _startTimestamp ? 0 : _endTimestamp - _startTimestamp;
            var distribution = QualityDistribution.FromHistogram(Name, Path, _histogram);
            distribution.FileCount = _fileCount;
            distribution.FailedFileCount = _failedFileCount;
            distribution.PhredOffset = _phredOffset;
            distribution.PhredOffsetsDisagree = _offsetsDisagree;
            distribution.ProcessId = processId;
            distribution.Slot = _firstSlot < 0 ? 0 : _firstSlot;
            distribution.Slots = slots;
            distribution.Duration = TimeSpan.FromSeconds(ticks / (double)Stopwatch.Frequency);
            distribution.Files = _files.ToArray();
            return distribution;
        }
    }
}
