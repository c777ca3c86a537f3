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

        /// <summary>Adds a valid file (held back until its pair is settled, for a mate); returns the work still pending.</summary>
        public int Completed(QualityHistogram fileHistogram, QualityFileScan scan, int slot, long order, long timestamp, string path = "")
        {
            lock (_gate)
            {
                if (_pairs.TryGetValue(path, out PairState? pair))
                {
                    var held = new QualityHistogram();
                    held.Add(fileHistogram);
                    pair.Finish(path, held, scan);
                    Settle(pair);
                }
                else AddScanned(fileHistogram, scan);
                return Done(slot, order, timestamp);
            }
        }

        /// <summary>
        /// Adds the total of several valid .qual files that one worker read (not mates of a pair: those are held
        /// back by <see cref="Completed"/>); returns the work still pending.
        /// </summary>
        public int CompletedFiles(QualityHistogram total, int files, int slot, long firstOrder, long lastTimestamp)
        {
            if (files < 1) throw new ArgumentOutOfRangeException(nameof(files));
            lock (_gate)
            {
                _histogram.Add(total); // .qual: scores as they are, no Phred offset
                return Done(slot, firstOrder, lastTimestamp, files);
            }
        }

        private void AddScanned(QualityHistogram fileHistogram, QualityFileScan scan)
        {
            _histogram.Add(fileHistogram, scan.ScoreShift);
            if (scan.PhredOffset != null)
            {
                if (_phredOffset == null && !_offsetsDisagree) _phredOffset = scan.PhredOffset;
                else if (_phredOffset != scan.PhredOffset) { _offsetsDisagree = true; _phredOffset = null; }
            }
        }

        /// <summary>Counts a failed file; returns the work still pending.</summary>
        public int Failed(int slot, long order, long timestamp, string path = "")
        {
            lock (_gate)
            {
                _failedFileCount++;
                if (_pairs.TryGetValue(path, out PairState? pair))
                {
                    pair.Finish(path, null, null);
                    Settle(pair);
                }
                return Done(slot, order, timestamp);
            }
        }

        // ---- Read pairs: both mates count only when both are valid and their ids agree ----

        private readonly Dictionary<string, PairState> _pairs = new Dictionary<string, PairState>(StringComparer.Ordinal);

        /// <summary>Called with the message when a pair is dropped (its mates disagree, or one of them failed).</summary>
        public Action<string, string>? PairDropped { get; set; }

        /// <summary>Two files of this input are mates; their check is one more piece of pending work.</summary>
        public void AddPair(string first, string second)
        {
            lock (_gate)
            {
                var pair = new PairState(first, second);
                _pairs[first] = pair;
                _pairs[second] = pair;
                _pending++;
            }
        }

        /// <summary>The outcome of a pair's check (null: the mates agree); returns the work still pending.</summary>
        public int PairChecked(string first, string? problem)
        {
            lock (_gate)
            {
                PairState pair = _pairs[first];
                pair.Checked = true;
                pair.Problem = problem;
                Settle(pair);
                return --_pending;
            }
        }

        /// <summary>Once both mates and the check are in: both counted, or neither.</summary>
        private void Settle(PairState pair)
        {
            if (!pair.Checked || !pair.FirstDone || !pair.SecondDone) return;
            if (pair.Problem == null && pair.FirstHistogram != null && pair.SecondHistogram != null)
            {
                AddScanned(pair.FirstHistogram, pair.FirstScan!);
                AddScanned(pair.SecondHistogram, pair.SecondScan!);
                return;
            }
            // A valid mate of a dropped pair is a failed input too: never a silent half.
            if (pair.FirstHistogram != null) _failedFileCount++;
            if (pair.SecondHistogram != null) _failedFileCount++;
            string message = pair.Problem
                ?? (pair.FirstHistogram == null && pair.SecondHistogram == null ? "both mates are invalid"
                    : "its mate " + (pair.FirstHistogram == null ? pair.First : pair.Second) + " is invalid, so the pair is left out");
            if (pair.Problem != null || pair.FirstHistogram != null || pair.SecondHistogram != null)
                PairDropped?.Invoke(pair.FirstHistogram == null && pair.Problem == null ? pair.Second : pair.First, message);
        }

        private sealed class PairState
        {
            public PairState(string first, string second)
            {
                First = first;
                Second = second;
            }

            public string First { get; }
            public string Second { get; }
            public bool Checked { get; set; }
            public string? Problem { get; set; }
            public bool FirstDone { get; private set; }
            public bool SecondDone { get; private set; }
            public QualityHistogram? FirstHistogram { get; private set; }
            public QualityHistogram? SecondHistogram { get; private set; }
            public QualityFileScan? FirstScan { get; private set; }
            public QualityFileScan? SecondScan { get; private set; }

            public void Finish(string path, QualityHistogram? histogram, QualityFileScan? scan)
            {
                if (string.Equals(path, First, StringComparison.Ordinal)) { FirstDone = true; FirstHistogram = histogram; FirstScan = scan; }
                else { SecondDone = true; SecondHistogram = histogram; SecondScan = scan; }
            }
        }

        private int Done(int slot, long order, long timestamp, int files = 1)
        {
            _fileCount += files;
            _slots.Add(slot);
            if (order < _firstFileOrder) { _firstFileOrder = order; _firstSlot = slot; }
            if (timestamp > _endTimestamp) _endTimestamp = timestamp;
            return _pending -= files;
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
