using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ParallelJobs.Scheduling
{
    /// <summary>
    /// A dry run (-WhatIf): each command as it would run, fully expanded, with the slot and host it would start
    /// in where that is known without running anything. The first commands take the slots in order (slot k for
    /// the k-th command while slots are free); over hosts, they take slots as the run does (the host with the
    /// most free slots first, its lowest free slot, numbered within that host). Which slot a later command gets
    /// depends on which command ends first, so it is not known, and {%} stays as written. A host entry's slots
    /// are known from the entry (8/node1) or the throttle limit; an auto/ entry's only by asking the host, which
    /// a dry run does not do. A Slurm run's slots are array tasks, known only once submitted. Nothing is started,
    /// opened or written.
    /// </summary>
    internal sealed class DryRunPlan
    {
        internal const int MaxPlannedStarts = 4096;
        private readonly int _knownSlots;
        // Over hosts: where each of the first commands starts (its host, whether it is a POSIX host, its slot there).
        private readonly List<(string Host, bool Posix, int Slot)>? _starts;
        private int _next;

        public DryRunPlan(RunOptions options)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            if (options.Slurm) return;
            if (options.Hosts == null)
            {
                _knownSlots = options.ThrottleLimit;
                return;
            }
            var sized = new List<KeyValuePair<Remote.SshHost, int>>();
            foreach (var h in options.Hosts)
            {
                if (!h.Slots.HasValue && h.AutoSlots) return; // the slots after an auto/ host are not known either
                sized.Add(new KeyValuePair<Remote.SshHost, int>(h, h.Slots ?? options.ThrottleLimit));
            }
            // The run's own pool, asked for one slot per command until every slot is taken (for the first
            // MaxPlannedStarts commands: beyond, a dry run does not spend the time and memory of a huge pool).
            if (sized.Sum(kv => (long)kv.Value) > MaxPlannedStarts) return;
            var pool = new Remote.HostPool(sized);
            var starts = new List<(string, bool, int)>();
            while (pool.TryTake(out int slot))
            {
                var h = pool.HostOfSlot(slot).Host;
                starts.Add(h.IsLocal ? (Environment.MachineName, false, pool.LocalSlot(slot)) : (h.Name, true, pool.LocalSlot(slot)));
            }
            _starts = starts;
            _knownSlots = starts.Count;
        }

        /// <summary>A command about to be added as the <paramref name="index"/>-th (0-based), before its slot is known: "Command 3: gzip -k 'a b.txt'".</summary>
        public static string Describe(CommandSpec spec, int index)
        {
            if (spec == null) throw new ArgumentNullException(nameof(spec));
            return "Command " + (index + 1).ToString(CultureInfo.InvariantCulture) + ": " + spec.Resolve(index, -1).Display;
        }

        /// <summary>The next command (in input order) as the dry run shows it: "Command 3 in slot 2 on node1: gzip -k 'a b.txt'".</summary>
        public string Describe(CommandSpec spec)
        {
            if (spec == null) throw new ArgumentNullException(nameof(spec));
            int index = _next++;
            bool known = index < _knownSlots;
            var start = known && _starts != null ? _starts[index] : ((string Host, bool Posix, int Slot)?)null;
            int slot = !known ? -1 : start?.Slot ?? index;
            string text = spec.Resolve(index, slot, start?.Posix ?? false).Display;
            string where = known ? " in slot " + slot.ToString(CultureInfo.InvariantCulture) : " in the first slot free";
            if (start != null) where += " on " + start.Value.Host;
            return "Command " + (index + 1).ToString(CultureInfo.InvariantCulture) + where + ": " + text;
        }
    }
}
