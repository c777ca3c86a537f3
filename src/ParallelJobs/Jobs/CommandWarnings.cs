using System.Globalization;
using System.Linq;

namespace ParallelJobs.Jobs
{
    /// <summary>Warnings about a result that are not failures, as Start-ParallelCommand and its jobs write them.</summary>
    internal static class CommandWarnings
    {
        /// <summary>A command ran to its end but left a background process holding its output; null otherwise.</summary>
        public static string? For(CommandResult result)
        {
            if (result.HostFailures.Length > 0 && result.Status != CommandStatus.HostUnavailable)
            {
                string why = result.ClusterJobId != null ? "after Slurm requeued its task" : "after a host failure";
                return $"Command {result.Index} ({MessageText.Shorten(result.Command)}) ran again on {result.ComputerName} {why} " +
                       $"(it may have run in part before: at least once, not exactly once): {string.Join("; ", result.HostFailures)}";
            }
            if (!result.OutputLeftOpen) return null;
            var pids = result.BackgroundProcessIds;
            string who = pids.Length == 0 ? "a process it started in the background"
                : (pids.Length == 1 ? "background process " : "background processes ") + string.Join(", ", pids.Select(p => p.ToString(CultureInfo.InvariantCulture)));
            return $"Command {result.Index} ({MessageText.Shorten(result.Command)}) exited, but {who} still held its output a second later. " +
                   "Its result did not wait; what is written to that output from now on is not recorded.";
        }
    }
}
