using System;

namespace ParallelJobs
{
    /// <summary>One line a command printed, with the slot (and machine) that ran it and when it arrived.</summary>
    public sealed class SlotOutputLine
    {
        /// <summary>A line of a command that ran on this machine.</summary>
        public SlotOutputLine(int slot, int index, StreamKind stream, string line, DateTime timestamp)
            : this(slot, index, stream, line, timestamp, Environment.MachineName)
        {
        }

        /// <param name="computerName">The machine whose slot ran the command; null when not recorded.</param>
        public SlotOutputLine(int slot, int index, StreamKind stream, string line, DateTime timestamp, string? computerName)
        {
            ComputerName = computerName;
            Slot = slot;
            Index = index;
            Stream = stream;
            Line = line;
            Timestamp = timestamp;
        }

        /// <summary>0-based slot that ran the command, numbered within its machine (<see cref="ComputerName"/>).</summary>
        public int Slot { get; }
        /// <summary>
        /// The machine the command ran on, as the result's ComputerName: this machine's name, or the host's (-HostName).
        /// Null for lines read from an output directory written before commands.tsv had its Host column.
        /// </summary>
        public string? ComputerName { get; }
        /// <summary>0-based input position of the command.</summary>
        public int Index { get; }
        public StreamKind Stream { get; }
        public string Line { get; }
        /// <summary>Local time the line was read from the command's pipe.</summary>
        public DateTime Timestamp { get; }

        public override string ToString() => Line;
    }
}
