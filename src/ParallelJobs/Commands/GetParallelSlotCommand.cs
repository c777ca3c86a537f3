using System;
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

        /// <summary>Only these slots (0-based).</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int[]? Slot { get; set; }

        protected override void ProcessRecord()
        {
            if (!(Job is ParallelJob job))
            {
                WriteError(JobErrors.NotAParallelJob(Job));
                return;
            }
            if (Slot == null)
            {
                // The slots the run has used so far; a slot is made when first needed, so a huge -ThrottleLimit
                // shows only as many slots as commands have run at once.
                foreach (var s in job.GetSlots()) WriteObject(s);
                return;
            }
            var chosen = SlotSelection.Choose(Slot, k => job.GetSlot(k) != null, SlotSelection.RunOf(job.ThrottleLimit),
                (k, message) => WriteError(JobErrors.SlotOutOfRange(k, message, job)));
            foreach (int k in chosen)
            {
                var slot = job.GetSlot(k);
                if (slot != null) WriteObject(slot);
            }
        }
    }
}
