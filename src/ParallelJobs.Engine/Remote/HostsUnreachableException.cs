using System;
using System.Collections.Generic;
using System.Linq;

namespace ParallelJobs.Remote
{
    /// <summary>A run over hosts could not start: not one host answered its check. The message names each host and ssh's reason.</summary>
    internal sealed class HostsUnreachableException : Exception
    {
        public HostsUnreachableException(IReadOnlyList<SshHostCheck> checks)
            : base("No host could be reached, so nothing was started: " +
                   string.Join("; ", checks.Select(c => $"'{c.Host.Entry}': {c.Reason}")))
        {
            Checks = checks;
        }

        public IReadOnlyList<SshHostCheck> Checks { get; }
    }
}
