using System;
using System.Collections.Generic;
using System.Linq;

namespace ParallelJobs.Remote
{
    /// <summary>One host of a run: its slots and whether commands may go to it now.</summary>
    internal sealed class HostState
    {
        internal HostState(int index, SshHost host, int slots, int firstSlot)
        {
            Index = index;
            Host = host;
            Slots = slots;
            FirstSlot = firstSlot;
        }

        public int Index { get; }
        public SshHost Host { get; }
        /// <summary>How many commands run on it at once.</summary>
        public int Slots { get; }
        /// <summary>Its first slot in the run's numbering (its slots are FirstSlot .. FirstSlot + Slots - 1).</summary>
        public int FirstSlot { get; }
        public bool IsUp { get; internal set; } = true;
        /// <summary>Failed checks and host failures since it was last up.</summary>
        public int ConsecutiveFailures { get; internal set; }
        /// <summary>Why it went down last (ssh's message).</summary>
        public string? LastReason { get; internal set; }
        /// <summary>When a down host is checked again; null while it is up, being checked, or once it was given up.</summary>
        public DateTime? NextCheck { get; internal set; }
        /// <summary>A check of this down host is under way.</summary>
        public bool Checking { get; internal set; }

        public override string ToString() => $"{Host.Name} ({Slots} slots, {(IsUp ? "up" : "down: " + LastReason)})";
    }

    /// <summary>
    /// The hosts of a run and their slots, numbered across the run (host 0's slots first), and which of them
    /// may take a command. A host failure marks a host down: its free slots take nothing, and it is checked
    /// again after a back-off that doubles (1 s, 2 s, 4 s ... up to a minute) while other hosts carry on.
    /// While no host is up, checks come within 4 s, and once each host has failed
    /// <see cref="MaxFailuresWhenAlone"/> times in a row, no host is left. Not thread-safe: the run calls it under its own lock, with its own clock.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Marking and checking hosts are the pool's own operations, whatever state they touch today.")]
    internal sealed class HostPool
    {
        internal static readonly TimeSpan FirstBackOff = TimeSpan.FromSeconds(1);
        internal static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(60);
        internal const int MaxFailuresWhenAlone = 3;

        private readonly List<HostState> _hosts = new List<HostState>();
        private readonly bool[] _busy;

        public HostPool(IEnumerable<KeyValuePair<SshHost, int>> hostsAndSlots)
        {
            int first = 0;
            foreach (var kv in hostsAndSlots)
            {
                if (kv.Value < 1) throw new ArgumentOutOfRangeException(nameof(hostsAndSlots), $"Host '{kv.Key.Entry}' needs at least one slot.");
                _hosts.Add(new HostState(_hosts.Count, kv.Key, kv.Value, first));
                first += kv.Value;
            }
            if (_hosts.Count == 0) throw new ArgumentException("A run over hosts needs at least one host.", nameof(hostsAndSlots));
            _busy = new bool[first];
        }

        public IReadOnlyList<HostState> Hosts => _hosts;
        public int TotalSlots => _busy.Length;

        public HostState HostOfSlot(int slot) => _hosts[HostIndexOfSlot(slot)];
        /// <summary>The slot's number within its host (0-based), as results show it.</summary>
        public int LocalSlot(int slot) => slot - HostOfSlot(slot).FirstSlot;
        public bool IsBusy(int slot) => _busy[slot];

        private int HostIndexOfSlot(int slot)
        {
            if (slot < 0 || slot >= _busy.Length) throw new ArgumentOutOfRangeException(nameof(slot));
            for (int h = _hosts.Count - 1; h >= 0; h--)
                if (slot >= _hosts[h].FirstSlot) return h;
            return 0;
        }

        /// <summary>
        /// Takes a free slot on an up host, spreading commands: the host with the most free slots first (ties
        /// to the earlier host), its lowest free slot. <paramref name="avoid"/> is skipped while another host can
        /// take it (a command that just failed on a host goes elsewhere if it can).
        /// </summary>
        public bool TryTake(out int slot, HostState? avoid = null)
        {
            slot = -1;
            HostState? best = null;
            int bestFree = 0;
            foreach (var pass in new[] { true, false })
            {
                foreach (var h in _hosts)
                {
                    if (!h.IsUp || (pass && avoid != null && h == avoid)) continue;
                    int free = FreeSlots(h);
                    if (free > bestFree) { best = h; bestFree = free; }
                }
                if (best != null) break;
            }
            if (best == null) return false;
            for (int s = best.FirstSlot; s < best.FirstSlot + best.Slots; s++)
            {
                if (_busy[s]) continue;
                _busy[s] = true;
                slot = s;
                return true;
            }
            return false;
        }

        public int FreeSlots(HostState host)
        {
            int free = 0;
            for (int s = host.FirstSlot; s < host.FirstSlot + host.Slots; s++) if (!_busy[s]) free++;
            return free;
        }

        public void Release(int slot)
        {
            if (!_busy[slot]) throw new InvalidOperationException($"Slot {slot} is not taken.");
            _busy[slot] = false;
        }

        /// <summary>The host failed (a command's connection, or a check): it takes nothing until a check succeeds.</summary>
        public void MarkDown(HostState host, string reason, DateTime now)
        {
            host.Checking = false;
            host.IsUp = false;
            host.LastReason = reason;
            host.ConsecutiveFailures++;
            if (AnyUp)
            {
                host.NextCheck = now + BackOff(host.ConsecutiveFailures);
                return;
            }
            // No host is up: nothing runs meanwhile, so checks come soon, and a host is given up after a few.
            var soon = now + BackOff(MaxFailuresWhenAlone);
            foreach (var other in _hosts)
                if (other != host && other.NextCheck.HasValue && other.NextCheck.Value > soon) other.NextCheck = soon;
            host.NextCheck = GivenUp() ? (DateTime?)null : now + BackOff(Math.Min(host.ConsecutiveFailures, MaxFailuresWhenAlone));
        }

        /// <summary>A check succeeded: the host takes commands again.</summary>
        public void MarkUp(HostState host)
        {
            host.Checking = false;
            host.IsUp = true;
            host.ConsecutiveFailures = 0;
            host.LastReason = null;
            host.NextCheck = null;
        }

        /// <summary>Down hosts whose back-off has passed (the caller checks them, then calls MarkUp or MarkDown).</summary>
        public IReadOnlyList<HostState> DueForCheck(DateTime now) =>
            _hosts.Where(h => !h.IsUp && !h.Checking && h.NextCheck.HasValue && h.NextCheck.Value <= now).ToList();

        /// <summary>The caller is checking the host now: it is not due again until the check ends (MarkUp or MarkDown).</summary>
        public void BeginCheck(HostState host)
        {
            host.Checking = true;
            host.NextCheck = null;
        }

        /// <summary>The earliest pending check, to set a timer for.</summary>
        public DateTime? NextCheck => _hosts.Where(h => !h.IsUp && h.NextCheck.HasValue).Select(h => h.NextCheck).Min();

        public bool AnyUp => _hosts.Any(h => h.IsUp);

        /// <summary>
        /// No host is up and none will be checked again: commands still waiting can run nowhere. Down hosts are
        /// checked for as long as another host is up, so a host that comes back rejoins a long run.
        /// </summary>
        public bool NoHostLeft => !AnyUp && _hosts.All(h => !h.NextCheck.HasValue && !h.Checking);

        private bool GivenUp() => _hosts.All(h => h.ConsecutiveFailures >= MaxFailuresWhenAlone);

        /// <summary>Why no host is left: each host with its last reason.</summary>
        public string Summary() => string.Join("; ", _hosts.Select(h => $"{h.Host.Name}: {h.LastReason ?? "up"}"));

        internal static TimeSpan BackOff(int failures)
        {
            double seconds = FirstBackOff.TotalSeconds * Math.Pow(2, Math.Max(0, Math.Min(failures - 1, 20)));
            return seconds >= MaxBackOff.TotalSeconds ? MaxBackOff : TimeSpan.FromSeconds(seconds);
        }
    }
}
