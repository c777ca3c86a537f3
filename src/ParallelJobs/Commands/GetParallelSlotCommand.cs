using System;
using System.Linq;
using System.Management.Automation;
using ParallelJobs.Output;

namespace ParallelJobs.Commands
{
    /// <summary>
    /// Get-ParallelSlot: what each slot of a ParallelJob that the run has used is doing now (Busy or Idle, the command and its
    /// index, its process id, since when, the last line it printed) and has done (commands completed and
    /// failed). Reads a snapshot from the run; safe at any moment, during or after the run.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ParallelSlot")]
    [OutputType(typeof(ParallelSlot))]
    public sealed class GetParallelSlotCommand : PSCmdlet
    {
        /// <summary>The job made by Start-ParallelCommand -AsJob. Other jobs are reported as errors.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNull]
        public Job Job { get; set; } = null!;

        /// <summary>
        /// Only these slots (0-based within each machine). On a run over several hosts, without -ComputerName, slot k
        /// of every host that has it.
        /// </summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int[]? Slot { get; set; }

        /// <summary>Only the slots of these machines (a result's ComputerName: a host of -HostName, or this machine's name); wildcards allowed.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? ComputerName { get; set; }

        protected override void ProcessRecord()
        {
            if (!(Job is ParallelJob job))
            {
                WriteError(JobErrors.NotAParallelJob(Job));
                return;
            }
            var layout = job.SlotHosts;
            if (Slot == null)
            {
                // The slots the run has used so far; a slot is made when first needed, so a huge -ThrottleLimit
                // shows only as many slots as commands have run at once.
                var slots = job.GetSlots();
                var hosts = HostFilter.Match(layout.Select(h => (string?)h.Key).Concat(slots.Select(s => s.ComputerName)), ComputerName,
                    n => WriteError(JobErrors.ComputerNameNotFound(n, "the run (its machines: " + HostFilter.List(layout.Select(h => h.Key)) + ")", job)));
                foreach (var s in slots)
                    if (ComputerName == null || HostFilter.Contains(hosts, s.ComputerName)) WriteSlot(s, job);
                return;
            }
            var chosenHosts = HostFilter.Match(layout.Select(h => (string?)h.Key), ComputerName,
                n => WriteError(JobErrors.ComputerNameNotFound(n, "the run (its machines: " + HostFilter.List(layout.Select(h => h.Key)) + ")", job)));
            int CountOn(string? host) => layout.FirstOrDefault(h => string.Equals(h.Key, host, StringComparison.OrdinalIgnoreCase)).Value;
            var chosen = SlotSelection.Choose(chosenHosts, ComputerName != null, Slot, k => k.Slot < CountOn(k.ComputerName),
                h => h == null ? SlotSelection.RunOf(layout) : $"{h} in the run: it has slots 0 to {CountOn(h) - 1}",
                (k, message) => WriteError(JobErrors.SlotOutOfRange(k.Slot, message, job)));
            foreach (var k in chosen)
            {
                var slot = job.GetSlot(k.ComputerName!, k.Slot);
                if (slot != null) WriteSlot(slot, job);
            }
        }

        /// <summary>
        /// A run over -HostName hosts numbers slots per host: its slots are marked ParallelJobs.ParallelSlot#Hosts,
        /// whose table view shows the host first. A run on this machine keeps the plain view.
        /// </summary>
        private void WriteSlot(ParallelSlot slot, ParallelJob job)
        {
            if (!job.OnHosts)
            {
                WriteObject(slot);
                return;
            }
            var marked = PSObject.AsPSObject(slot);
            marked.TypeNames.Insert(0, "ParallelJobs.ParallelSlot#Hosts");
            WriteObject(marked);
        }
    }
}
