using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace ParallelJobs.Commands
{
    /// <summary>-ComputerName of Receive-SlotOutput and Get-ParallelSlot: which of a source's machines it names.</summary>
    internal static class HostFilter
    {
        /// <summary>
        /// The machines of <paramref name="hosts"/> (in their order) that <paramref name="names"/> names, wildcards
        /// allowed, case ignored; all of them when <paramref name="names"/> is null. A name without wildcards that
        /// matches none is handed to <paramref name="notFound"/> (a wildcard that matches none is not an error, as
        /// with Get-Process -Name).
        /// </summary>
        public static List<string?> Match(IEnumerable<string?> hosts, string[]? names, Action<string> notFound)
        {
            var all = hosts.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (names == null) return all;
            var patterns = names.Select(n => new WildcardPattern(Machine(n), WildcardOptions.IgnoreCase)).ToList();
            var chosen = all.Where(h => h != null && patterns.Any(p => p.IsMatch(h))).ToList();
            foreach (string n in names)
                if (!WildcardPattern.ContainsWildcardCharacters(n) && !all.Any(h => string.Equals(h, Machine(n), StringComparison.OrdinalIgnoreCase))) notFound(n);
            return chosen;
        }

        /// <summary>
        /// ':' is how -HostName names this machine; its slots and results carry this machine's name, so ':' asks for
        /// that (as it was written on the machine that ran the run: files read with -Path elsewhere name their own).
        /// </summary>
        private static string Machine(string name) => name == ":" ? Environment.MachineName : name;

        /// <summary>True when <paramref name="host"/> is one of <paramref name="chosen"/>.</summary>
        public static bool Contains(IEnumerable<string?> chosen, string? host) => chosen.Any(h => string.Equals(h, host, StringComparison.OrdinalIgnoreCase));

        /// <summary>"127.0.0.1, 127.0.0.2" (a machine not recorded shows as "(not recorded)"), for messages.</summary>
        public static string List(IEnumerable<string?> hosts) => string.Join(", ", hosts.Select(h => h ?? "(not recorded)"));
    }
}
