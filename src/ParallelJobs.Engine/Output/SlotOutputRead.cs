namespace ParallelJobs.Output
{
    /// <summary>What one read of a <see cref="SlotOutputBuffer"/> slot returned.</summary>
    internal sealed class SlotOutputRead
    {
        internal SlotOutputRead(SlotKey slot, SlotOutputLine[] lines, long lastSequence, long droppedLines)
        {
            Key = slot;
            Lines = lines;
            LastSequence = lastSequence;
            DroppedLines = droppedLines;
        }

        /// <summary>The slot read: its machine and number.</summary>
        public SlotKey Key { get; }
        public int Slot => Key.Slot;
        /// <summary>The lines, in the order the slot's commands printed them.</summary>
        public SlotOutputLine[] Lines { get; }
        /// <summary>Sequence number of the last line returned (or the caller's own when none); pass it back to read on from there.</summary>
        public long LastSequence { get; }
        /// <summary>Lines this slot printed that the buffer let go of, unread, to stay within its bound.</summary>
        public long DroppedLines { get; }
    }
}
