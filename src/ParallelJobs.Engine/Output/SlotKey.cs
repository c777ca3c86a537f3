using System;
using System.Globalization;

namespace ParallelJobs.Output
{
    /// <summary>
    /// What names one slot: the machine it runs on (a result's ComputerName) and its number there (0-based within
    /// that machine). A run on this machine only has one machine; a run over hosts numbers each host's slots from 0.
    /// Machine names compare without regard to case, as host names do. A null machine is one not recorded (slot
    /// files written before their index had a host column).
    /// </summary>
    internal readonly struct SlotKey : IEquatable<SlotKey>, IComparable<SlotKey>
    {
        public SlotKey(string? computerName, int slot)
        {
            ComputerName = computerName;
            Slot = slot;
        }

        public string? ComputerName { get; }
        public int Slot { get; }

        /// <summary>Slot <paramref name="slot"/> of this machine.</summary>
        public static SlotKey Local(int slot) => new SlotKey(Environment.MachineName, slot);

        public bool Equals(SlotKey other) => Slot == other.Slot && string.Equals(ComputerName, other.ComputerName, StringComparison.OrdinalIgnoreCase);
        public override bool Equals(object? obj) => obj is SlotKey k && Equals(k);
        public override int GetHashCode() => (ComputerName == null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(ComputerName)) * 31 + Slot;

        /// <summary>By machine (an unrecorded one first), then slot.</summary>
        public int CompareTo(SlotKey other)
        {
            int byHost = string.Compare(ComputerName, other.ComputerName, StringComparison.OrdinalIgnoreCase);
            return byHost != 0 ? byHost : Slot.CompareTo(other.Slot);
        }

        public static bool operator ==(SlotKey a, SlotKey b) => a.Equals(b);
        public static bool operator !=(SlotKey a, SlotKey b) => !a.Equals(b);
        public static bool operator <(SlotKey a, SlotKey b) => a.CompareTo(b) < 0;
        public static bool operator >(SlotKey a, SlotKey b) => a.CompareTo(b) > 0;
        public static bool operator <=(SlotKey a, SlotKey b) => a.CompareTo(b) <= 0;
        public static bool operator >=(SlotKey a, SlotKey b) => a.CompareTo(b) >= 0;

        /// <summary>"slot 2 on node1" ("slot 2" when the machine is not recorded).</summary>
        public override string ToString() =>
            "slot " + Slot.ToString(CultureInfo.InvariantCulture) + (ComputerName != null ? " on " + ComputerName : "");
    }
}
