using System;
using System.Collections.Generic;
using System.Globalization;

namespace ParallelJobs.Scheduling
{
    /// <summary>
    /// A dry run (-WhatIf): each command as it would run, fully expanded, with the slot and host it would start
    /// in where that is known without running anything. The first commands take the slots in order (slot k for
    /// the k-th command while slots are free); which slot a later command gets depends on which command ends
    /// first, so it is not known, and {%} stays as written. A host entry's slots are known from the entry
    /// (8/node1) or the throttle limit; an auto/ entry's only by asking the host, which a dry run does not do.
    /// A Slurm run's slots are array tasks, known only once submitted. Nothing is started, opened or written.
    /// </summary>
    internal sealed class DryRunPlan
    {
        private readonly int _knownSlots;
        private readonly List<(string Host, bool Posix)>? _slotHosts;
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
            var hosts = new List<(string, bool)>();
            foreach (var h in options.Hosts)
            {
                if (!h.Slots.HasValue && h.AutoSlots) return; // the slots after an auto/ host are not known either
                int slots = h.Slots ?? options.ThrottleLimit;
                for (int s = 0; s < slots; s++) hosts.Add(h.IsLocal ? (Environment.MachineName, false) : (h.Name, true));
            }
            _slotHosts = hosts;
            _knownSlots = hosts.Count;
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
            int slot = known ? index : -1;
            var host = known && _slotHosts != null ? _slotHosts[index] : ((string, bool)?)null;
            string text = spec.Resolve(index, slot, host?.Item2 ?? false).Display;
            string where = known ? " in slot " + slot.ToString(CultureInfo.InvariantCulture) : " in the first slot free";
            if (host != null) where += " on " + host.Value.Item1;
            return "Command " + (index + 1).ToString(CultureInfo.InvariantCulture) + where + ": " + text;
        }
    }
}
