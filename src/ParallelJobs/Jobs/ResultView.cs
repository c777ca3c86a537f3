using System.Management.Automation;

namespace ParallelJobs.Jobs
{
    /// <summary>
    /// A run over -HostName hosts numbers slots per host, so its results are marked
    /// ParallelJobs.CommandResult#Hosts, whose table view shows ComputerName beside the slot. A run on this machine
    /// writes its results as they are, keeping the plain view (every result has ComputerName; locally it says nothing new).
    /// </summary>
    internal static class ResultView
    {
        internal const string HostsTypeName = "ParallelJobs.CommandResult#Hosts";

        public static object For(CommandResult result, bool onHosts)
        {
            if (!onHosts) return result;
            var marked = PSObject.AsPSObject(result);
            if (!marked.TypeNames.Contains(HostsTypeName)) marked.TypeNames.Insert(0, HostsTypeName);
            return marked;
        }
    }
}
