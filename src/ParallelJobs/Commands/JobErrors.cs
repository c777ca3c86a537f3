using System;
using System.Management.Automation;

namespace ParallelJobs.Commands
{
    /// <summary>The error records Receive-SlotOutput and Get-ParallelSlot share, with their stable ErrorIds.</summary>
    internal static class JobErrors
    {
        public static ErrorRecord NotAParallelJob(Job job) => new ErrorRecord(
            new ArgumentException($"Job {job.Id} ('{job.Name}') is a {(string.IsNullOrEmpty(job.PSJobTypeName) ? job.GetType().Name : job.PSJobTypeName)}, not a ParallelJob; only Start-ParallelCommand -AsJob makes jobs with slots."),
            "NotAParallelJob", ErrorCategory.InvalidType, job);

#pragma warning disable CA2208 // "Slot" is the cmdlet parameter the user gave, not a parameter of this method
        public static ErrorRecord SlotOutOfRange(int slot, int slotCount, object target) => new ErrorRecord(
            new ArgumentOutOfRangeException("Slot", slot, $"Slot {slot} is outside the run: it has slots 0 to {slotCount - 1}."),
            "SlotOutOfRange", ErrorCategory.InvalidArgument, target);
#pragma warning restore CA2208
    }
}
