using System;
using System.Collections.Generic;
using System.Diagnostics;
using ParallelJobs.Statistics;

namespace ParallelJobs.Reports
{
    /// <summary>
    /// Adds distributions computed apart (other workers, other machines, saved and loaded) into one. Their score
    /// counts are added and every statistic is computed again from the sum, binning included, so the result is the
    /// one a single run over all their files with -Merge gives, number for number.
    /// </summary>
    internal sealed class QualityDistributionMerge
    {
        /// <summary>The name Get-QualityDistribution -Merge gives its result, and so the default here.</summary>
        public const string DefaultName = "Merged";

        private readonly QualityHistogram _histogram = new QualityHistogram();
        private readonly List<string> _files = new List<string>();
        private readonly SortedSet<int> _slots = new SortedSet<int>();
        private int _fileCount, _failedFileCount, _firstSlot = -1;
        private int? _phredOffset;
        private bool _offsetsDisagree;
        private TimeSpan _duration = TimeSpan.Zero;

        /// <summary>Distributions added so far.</summary>
        public int Count { get; private set; }

        public static QualityDistribution Merge(IEnumerable<QualityDistribution> parts, string name = DefaultName)
        {
            if (parts == null) throw new ArgumentNullException(nameof(parts));
            var merge = new QualityDistributionMerge();
            foreach (var part in parts) merge.Add(part);
            return merge.ToDistribution(name);
        }

        /// <summary>Adds one part; only its counts and totals are kept, not the object.</summary>
        public void Add(QualityDistribution part)
        {
            if (part == null) throw new ArgumentNullException(nameof(part));
            _histogram.Add(part.RequireCounts());
            _files.AddRange(part.Files);
            foreach (int slot in part.Slots) _slots.Add(slot);
            if (_firstSlot < 0) _firstSlot = part.Slot;
            _fileCount += part.FileCount;
            _failedFileCount += part.FailedFileCount;
            _duration += part.Duration;
            // The rule of one run (QualityInputAccumulator): files without an offset (.qual) do not vote;
            // two different offsets, here or inside a part, leave none.
            if (part.PhredOffsetsDisagree) { _offsetsDisagree = true; _phredOffset = null; }
            else if (part.PhredOffset != null && !_offsetsDisagree)
            {
                if (_phredOffset == null) _phredOffset = part.PhredOffset;
                else if (_phredOffset != part.PhredOffset) { _offsetsDisagree = true; _phredOffset = null; }
            }
            Count++;
        }

        public QualityDistribution ToDistribution(string name = DefaultName)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            var merged = QualityDistribution.FromHistogram(name, "", _histogram);
            merged.FileCount = _fileCount;
            merged.FailedFileCount = _failedFileCount;
            merged.Files = _files.ToArray();
            merged.PhredOffset = _phredOffset;
            merged.PhredOffsetsDisagree = _offsetsDisagree;
            var slots = new int[_slots.Count];
            _slots.CopyTo(slots);
            merged.Slots = slots;
            merged.Slot = _firstSlot < 0 ? 0 : _firstSlot;
            // The time the parts took to compute, added: what the work cost, whatever ran at once.
            merged.Duration = _duration;
            using (var self = Process.GetCurrentProcess()) merged.ProcessId = self.Id;
            return merged;
        }
    }
}
