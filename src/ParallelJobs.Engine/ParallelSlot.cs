using System;

namespace ParallelJobs
{
    /// <summary>What one slot of a run is doing now, and has done: what a person watching a long run wants to see.</summary>
    public sealed class ParallelSlot
    {
        public int Slot { get; internal set; }
        /// <summary>The machine this slot runs its commands on: this one's name, or a host entry (-HostName).</summary>
        public string ComputerName { get; internal set; } = Environment.MachineName;
        public SlotActivity State { get; internal set; }
        /// <summary>Input position of the command running now; null when idle.</summary>
        public int? Index { get; internal set; }
        public string? Command { get; internal set; }
        public int? ProcessId { get; internal set; }
        /// <summary>When the slot took its current state.</summary>
        public DateTime? Since { get; internal set; }
        /// <summary>The last line any command of this slot printed (stdout or stderr).</summary>
        public string? LastLine { get; internal set; }
        /// <summary>With State Waiting: what the slot waits for before it starts its next command (or starts it again).</summary>
        public string? WaitReason { get; internal set; }
        public int Completed { get; internal set; }
        public int Failed { get; internal set; }

        internal ParallelSlot Clone() => (ParallelSlot)MemberwiseClone();

        public override string ToString() => $"slot {Slot}: {State}";
    }
}
