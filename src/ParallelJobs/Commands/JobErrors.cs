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
        /// <summary>A -Slot value the source does not have; <paramref name="message"/> says what it has (SlotSelection).</summary>
        public static ErrorRecord SlotOutOfRange(int slot, string message, object target) => new ErrorRecord(
            new ArgumentOutOfRangeException("Slot", slot, message),
            "SlotOutOfRange", ErrorCategory.InvalidArgument, target);

        /// <summary>A -ComputerName value (without wildcards) that names none of the source's machines.</summary>
        public static ErrorRecord ComputerNameNotFound(string name, string has, object target) => new ErrorRecord(
            new ArgumentException($"No slot of {has} is on '{name}'.", "ComputerName"),
            "ComputerNameNotFound", ErrorCategory.ObjectNotFound, target);
#pragma warning restore CA2208
    }
}
