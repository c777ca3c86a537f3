using System;
using System.Collections.Generic;
using System.Threading;

namespace ParallelJobs.Output
{
    /// <summary>
    /// Lines a live run's slots printed, held per slot until someone reads them: the backing store of
    /// <c>Receive-SlotOutput -Job</c>. A read without keep takes the lines (they are gone for the next
    /// read, like <c>Receive-Job</c>); a read with keep leaves them. Each line gets a per-slot sequence
    /// number so a reader that keeps can still ask for "only what is newer than what I have seen".
    /// When bounded, a slot holds at most that many unread lines and drops the oldest (counted), so a
    /// job nobody reads does not grow without limit; the bytes are safe in the slot files then.
    /// </summary>
    public sealed class SlotOutputBuffer
    {
        private readonly SlotQueue[] _slots;
        private readonly int? _maxLinesPerSlot;
        private readonly ManualResetEventSlim _linesArrived = new ManualResetEventSlim(false);

        /// <param name="slotCount">Slots of the run (its throttle limit).</param>
        /// <param name="maxLinesPerSlot">Most unread lines a slot holds; null for no bound.</param>
        public SlotOutputBuffer(int slotCount, int? maxLinesPerSlot)
        {
            if (slotCount < 1) throw new ArgumentOutOfRangeException(nameof(slotCount), slotCount, "A run has at least one slot.");
            if (maxLinesPerSlot.HasValue && maxLinesPerSlot.Value < 1) throw new ArgumentOutOfRangeException(nameof(maxLinesPerSlot), maxLinesPerSlot, "The bound must be at least one line.");
            _maxLinesPerSlot = maxLinesPerSlot;
            _slots = new SlotQueue[slotCount];
            for (int i = 0; i < slotCount; i++) _slots[i] = new SlotQueue();
        }

        public int SlotCount => _slots.Length;

        /// <summary>Set when a line arrives; a reader resets it before reading, then waits on it.</summary>
        public WaitHandle LinesArrived => _linesArrived.WaitHandle;

        /// <summary>Takes one line; safe to call from the run's reader threads. Lines of a slot outside the range are ignored.</summary>
        public void Append(SlotOutputLine line)
        {
            if (line == null) throw new ArgumentNullException(nameof(line));
            if (line.Slot < 0 || line.Slot >= _slots.Length) return;
            var q = _slots[line.Slot];
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
        public SlotOutputRead Read(int slot, bool keep, long after = 0)
        {
            if (slot < 0 || slot >= _slots.Length) throw new ArgumentOutOfRangeException(nameof(slot), slot, $"The run has slots 0 to {_slots.Length - 1}.");
            var q = _slots[slot];
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

        /// <summary>How many unread lines a slot holds now.</summary>
        public int Count(int slot)
        {
            var q = _slots[slot];
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
