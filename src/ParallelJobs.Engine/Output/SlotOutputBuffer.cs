using System;
using System.Collections.Generic;
using System.Threading;

namespace ParallelJobs.Output
{
    /// <summary>
    /// Lines a live run's slots printed, held per slot (a machine and its slot number, <see cref="SlotKey"/>) until someone reads them: the backing store of
    /// <c>Receive-SlotOutput -Job</c>. A read without keep takes the lines (they are gone for the next
    /// read, like <c>Receive-Job</c>); a read with keep leaves them. Each line gets a per-slot sequence
    /// number so a reader that keeps can still ask for "only what is newer than what I have seen".
    /// When bounded, a slot holds at most that many unread lines and drops the oldest (counted), so a
    /// job nobody reads does not grow without limit; the bytes are safe in the slot files then.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The event lives as long as the job that owns the buffer.")]
    internal sealed class SlotOutputBuffer
    {
        // Made when a slot prints its first line: the slot count is the run's throttle limit, which may be huge.
        private readonly Dictionary<SlotKey, SlotQueue> _slots = new Dictionary<SlotKey, SlotQueue>();
        private readonly int _slotCount;
        private readonly int? _maxLinesPerSlot;
        // Lives as long as the job that owns the buffer; ManualResetEventSlim allocates a kernel handle only when
        // WaitHandle is read, and the job's readers end with it.
        private readonly ManualResetEventSlim _linesArrived = new ManualResetEventSlim(false);

        /// <param name="slotCount">Most slots a machine of the run has (its throttle limit, or its largest host's slots).</param>
        /// <param name="maxLinesPerSlot">Most unread lines a slot holds; null for no bound.</param>
        public SlotOutputBuffer(int slotCount, int? maxLinesPerSlot)
        {
            if (slotCount < 1) throw new ArgumentOutOfRangeException(nameof(slotCount), slotCount, "A run has at least one slot.");
            if (maxLinesPerSlot.HasValue && maxLinesPerSlot.Value < 1) throw new ArgumentOutOfRangeException(nameof(maxLinesPerSlot), maxLinesPerSlot, "The bound must be at least one line.");
            _maxLinesPerSlot = maxLinesPerSlot;
            _slotCount = slotCount;
        }

        public int SlotCount => _slotCount;

        /// <summary>The slots that have printed anything so far, by machine then slot: the only ones with lines to read.</summary>
        public SlotKey[] SlotsWithOutput()
        {
            lock (_slots)
            {
                var slots = new SlotKey[_slots.Count];
                _slots.Keys.CopyTo(slots, 0);
                Array.Sort(slots);
                return slots;
            }
        }

        private SlotQueue? Queue(SlotKey slot, bool create)
        {
            lock (_slots)
            {
                if (!_slots.TryGetValue(slot, out var q) && create) _slots.Add(slot, q = new SlotQueue());
                return q;
            }
        }

        /// <summary>Set when a line arrives; a reader resets it before reading, then waits on it.</summary>
        public WaitHandle LinesArrived => _linesArrived.WaitHandle;

        /// <summary>Takes one line; safe to call from the run's reader threads. Lines of a slot outside the range are ignored.</summary>
        public void Append(SlotOutputLine line)
        {
            if (line == null) throw new ArgumentNullException(nameof(line));
            if (line.Slot < 0 || line.Slot >= _slotCount) return;
            var q = Queue(new SlotKey(line.ComputerName, line.Slot), create: true)!;
            lock (q)
            {
                q.Lines.Enqueue(new KeyValuePair<long, SlotOutputLine>(++q.LastSequence, line));
                if (_maxLinesPerSlot.HasValue && q.Lines.Count > _maxLinesPerSlot.Value)
                {
                    q.Lines.Dequeue();
                    q.Dropped++;
                }
            }
            _linesArrived.Set();
        }

        /// <summary>Clears the arrival signal; call before reading, then wait on <see cref="LinesArrived"/>, so no line is missed between the two.</summary>
        public void ResetArrivalSignal() => _linesArrived.Reset();

        /// <summary>
        /// The slot's unread lines with a sequence number above <paramref name="after"/>. Without keep they
        /// are taken (with everything up to them); with keep they stay for the next read.
        /// </summary>
        public SlotOutputRead Read(int slot, bool keep, long after = 0) => Read(SlotKey.Local(slot), keep, after);

        /// <summary>As <see cref="Read(int, bool, long)"/>, for a slot of any machine of the run.</summary>
        public SlotOutputRead Read(SlotKey slot, bool keep, long after = 0)
        {
            if (slot.Slot < 0 || slot.Slot >= _slotCount) throw new ArgumentOutOfRangeException(nameof(slot), slot.Slot, $"The run has slots 0 to {_slotCount - 1}.");
            var q = Queue(slot, create: false);
            if (q == null) return new SlotOutputRead(slot, Array.Empty<SlotOutputLine>(), after, 0);
            lock (q)
            {
                var lines = new List<SlotOutputLine>();
                long last = after;
                foreach (var entry in q.Lines)
                {
                    if (entry.Key <= after) continue;
                    lines.Add(entry.Value);
                    last = entry.Key;
                }
                long dropped = q.Dropped;
                if (!keep)
                {
                    while (q.Lines.Count > 0 && q.Lines.Peek().Key <= last) q.Lines.Dequeue();
                    q.Dropped = 0;
                }
                return new SlotOutputRead(slot, lines.ToArray(), last, dropped);
            }
        }

        /// <summary>How many unread lines a slot of this machine holds now.</summary>
        public int Count(int slot) => Count(SlotKey.Local(slot));

        /// <summary>How many unread lines a slot holds now.</summary>
        public int Count(SlotKey slot)
        {
            var q = Queue(slot, create: false);
            if (q == null) return 0;
            lock (q) return q.Lines.Count;
        }

        private sealed class SlotQueue
        {
            public readonly Queue<KeyValuePair<long, SlotOutputLine>> Lines = new Queue<KeyValuePair<long, SlotOutputLine>>();
            public long LastSequence;
            public long Dropped;
        }
    }
}
