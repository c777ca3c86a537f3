using System;
using System.Collections.Generic;
using System.Linq;

namespace ParallelJobs.Output
{
    /// <summary>
    /// Which slots (machine and number, <see cref="SlotKey"/>) a reader of slot output asked for and which exist, and the order a slot's commands ran: the
    /// rules Receive-SlotOutput and Get-ParallelSlot apply to a job, a directory of slot files or a set of results.
    /// </summary>
    internal static class SlotSelection
    {
        /// <summary>
        /// The asked slots that exist, in the order asked; each one that does not is handed to
        /// <paramref name="missing"/> with a message naming what the source does have (<paramref name="has"/>).
        /// </summary>
        public static List<int> Choose(IEnumerable<int> asked, Func<int, bool> exists, string has, Action<int, string> missing)
        {
            if (asked == null) throw new ArgumentNullException(nameof(asked));
            if (exists == null) throw new ArgumentNullException(nameof(exists));
            if (missing == null) throw new ArgumentNullException(nameof(missing));
            var chosen = new List<int>();
            foreach (int slot in asked)
            {
                if (exists(slot)) chosen.Add(slot);
                else missing(slot, $"Slot {slot} is outside {has}.");
            }
            return chosen;
        }

        /// <summary>"the run: it has slots 0 to 4" for a run of <paramref name="slotCount"/> slots.</summary>
        public static string RunOf(int slotCount) => $"the run: it has slots 0 to {slotCount - 1}";

        /// <summary>
        /// "the run: it has slots 0 to 4" on one machine; "the run: node1 has slots 0 to 1, node2 has slots 0 to 3"
        /// over several hosts (each with its own numbering).
        /// </summary>
        public static string RunOf(IReadOnlyList<KeyValuePair<string, int>> hosts)
        {
            if (hosts == null) throw new ArgumentNullException(nameof(hosts));
            return hosts.Count == 1 ? RunOf(hosts[0].Value)
                : "the run: " + string.Join(", ", hosts.Select(h => $"{h.Key} has slots 0 to {h.Value - 1}"));
        }

        /// <summary>
        /// The slots asked for (<paramref name="asked"/>, -Slot) on the machines chosen (<paramref name="hosts"/>, in
        /// order): machine by machine, each asked slot that exists there. When the machines were named
        /// (<paramref name="hostsNamed"/>, -ComputerName), each one lacking an asked slot is handed to
        /// <paramref name="missing"/>; otherwise -Slot k means slot k on every machine that has it, and only a slot
        /// no machine has is missing. <paramref name="hasOn"/> says what a machine (or, given null, the whole
        /// source) has, for the message.
        /// </summary>
        public static List<SlotKey> Choose(IReadOnlyList<string?> hosts, bool hostsNamed, IEnumerable<int> asked,
            Func<SlotKey, bool> exists, Func<string?, string> hasOn, Action<SlotKey, string> missing)
        {
            if (hosts == null) throw new ArgumentNullException(nameof(hosts));
            if (asked == null) throw new ArgumentNullException(nameof(asked));
            if (exists == null) throw new ArgumentNullException(nameof(exists));
            if (hasOn == null) throw new ArgumentNullException(nameof(hasOn));
            if (missing == null) throw new ArgumentNullException(nameof(missing));
            var slots = asked.ToList();
            var chosen = new List<SlotKey>();
            foreach (var host in hosts)
            {
                foreach (int slot in slots)
                {
                    var key = new SlotKey(host, slot);
                    if (exists(key)) chosen.Add(key);
                    else if (hostsNamed) missing(key, $"Slot {slot} is outside {hasOn(host)}.");
                }
            }
            if (!hostsNamed)
                foreach (int slot in slots)
                    if (!chosen.Any(k => k.Slot == slot)) missing(new SlotKey(null, slot), $"Slot {slot} is outside {hasOn(null)}.");
            return chosen;
        }

        /// <summary>
        /// Results grouped by the slot that ran them (machine and number), by machine then slot, and within a slot in the order they ran (by
        /// start time, as a slot runs one command at a time; input position breaks ties). Results that never had a
        /// slot (skipped, cancelled before starting) are left out.
        /// </summary>
        public static List<KeyValuePair<SlotKey, List<CommandResult>>> BySlotInRunOrder(IEnumerable<CommandResult> results) =>
            results.Where(r => r != null && r.Slot >= 0)
                .GroupBy(r => new SlotKey(r.ComputerName, r.Slot))
                .OrderBy(g => g.Key)
                .Select(g => new KeyValuePair<SlotKey, List<CommandResult>>(g.Key,
                    g.OrderBy(r => r.StartTime ?? DateTime.MaxValue).ThenBy(r => r.Index).ToList()))
                .ToList();
    }
}
