using System;

namespace ParallelJobs
{
    /// <summary>One line a command printed, with the slot that ran it and when it arrived.</summary>
    public sealed class SlotOutputLine
    {
        public SlotOutputLine(int slot, int index, StreamKind stream, string line, DateTime timestamp)
        {
            Slot = slot;
            Index = index;
            Stream = stream;
            Line = line;
            Timestamp = timestamp;
        }

        /// <summary>0-based slot that ran the command.</summary>
        public int Slot { get; }
        /// <summary>0-based input position of the command.</summary>
        public int Index { get; }
        public StreamKind Stream { get; }
        public string Line { get; }
        /// <summary>Local time the line was read from the command's pipe.</summary>
        public DateTime Timestamp { get; }

        public override string ToString() => Line;
    }
}
