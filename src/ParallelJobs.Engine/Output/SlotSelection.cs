using System;
using System.Collections.Generic;
using System.Linq;

namespace ParallelJobs.Output
{
    /// <summary>
    /// Which slots a reader of slot output asked for and which exist, and the order a slot's commands ran: the
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
        /// Results grouped by the slot that ran them, slots ascending, and within a slot in the order they ran (by
        /// start time, as a slot runs one command at a time; input position breaks ties). Results that never had a
        /// slot (skipped, cancelled before starting) are left out.
        /// </summary>
        public static List<KeyValuePair<int, List<CommandResult>>> BySlotInRunOrder(IEnumerable<CommandResult> results) =>
            results.Where(r => r != null && r.Slot >= 0)
                .GroupBy(r => r.Slot)
                .OrderBy(g => g.Key)
                .Select(g => new KeyValuePair<int, List<CommandResult>>(g.Key,
                    g.OrderBy(r => r.StartTime ?? DateTime.MaxValue).ThenBy(r => r.Index).ToList()))
                .ToList();
    }
}
