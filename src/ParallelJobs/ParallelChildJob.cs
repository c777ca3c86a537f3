using System;
using System.Collections.Generic;
using System.Management.Automation;
using ParallelJobs.Jobs;

namespace ParallelJobs
{
    /// <summary>
    /// One command of a <see cref="ParallelJob"/>: NotStarted while it waits for a slot, Running while its
    /// process runs, then Completed (exit code 0), Failed (non-zero, time-out, failed start) or Stopped
    /// (cancelled). Its Output holds the command's one <see cref="CommandResult"/>; its Error stream the
    /// same error record the synchronous cmdlet writes for a failed command.
    /// </summary>
    public sealed class ParallelChildJob : Job
    {
        private readonly ParallelJob _parent;
        private volatile string _status = "Waiting for a slot";
        // The host it started on, with -HostName; null on a run without hosts.
        private volatile string? _computerName;

        internal ParallelChildJob(ParallelJob parent, int index, string command)
            : base(command)
        {
            _parent = parent;
            Index = index;
            PSJobTypeName = ParallelJob.JobTypeName;
        }

        /// <summary>0-based input position of the command.</summary>
        public int Index { get; }
        /// <summary>The slot that ran (or runs) the command; null while it waits.</summary>
        public int? Slot { get; private set; }
        /// <summary>Process id of the command's top process; null until it starts.</summary>
        public int? ProcessId { get; private set; }
        /// <summary>How the command ended; null while it waits or runs. The result itself is in Output until received
        /// (not kept here as well, so Receive-Job frees it as for any job).</summary>
        public CommandStatus? Status { get; private set; }
        /// <summary>The command's exit code, once it has ended (null if it never started).</summary>
        public int? ExitCode { get; private set; }

        public override string StatusMessage => _status;
        public override bool HasMoreData => Output.Count > 0 || Error.Count > 0;
        /// <summary>Where the command runs or ran: this machine, or its host (-HostName) once it has started there.</summary>
        public override string Location => _computerName ?? Environment.MachineName;

        /// <summary>
        /// Stop-Job on one command: if it waits it ends as Cancelled without starting, if it runs its process
        /// tree is stopped. The other commands of the run go on. Returns when its result is in.
        /// </summary>
        public override void StopJob()
        {
            if (IsFinishedState(JobStateInfo.State)) return;
            _parent.StopCommand(Index, Finished);
        }

        /// <param name="computerName">The host it started on (its slot is numbered within it); null on a run without hosts.</param>
        internal void MarkStarted(int slot, int processId, string? computerName = null)
        {
            if (IsFinishedState(JobStateInfo.State)) return;
            Slot = slot;
            ProcessId = processId;
            if (computerName != null) _computerName = computerName;
            _status = computerName != null ? $"Running in slot {slot} on {computerName}, process {processId}" : $"Running in slot {slot}, process {processId}";
            if (JobStateInfo.State == JobState.NotStarted) SetJobState(JobState.Running);
        }

        internal void Finish(CommandResult result, IEnumerable<ErrorRecord> errors)
        {
            if (IsFinishedState(JobStateInfo.State)) return;
            Status = result.Status;
            ExitCode = result.ExitCode;
            if (result.Slot >= 0) Slot = result.Slot;
            if (result.Slot >= 0 && _computerName != null) _computerName = result.ComputerName;
            if (result.ProcessId != 0) ProcessId = result.ProcessId;
            _status = result.Reason ?? result.Status.ToString();
            PSBeginTime ??= result.StartTime;
            PSEndTime = result.EndTime ?? DateTime.Now;
            // Data first, state last: whoever wakes on the state change finds the result there.
            Output.Add(PSObject.AsPSObject(Jobs.ResultView.For(result, _parent.OnHosts)));
            var warning = CommandWarnings.For(result);
            if (warning != null) Warning.Add(new WarningRecord(warning));
            foreach (var error in errors) Error.Add(error);
            SetJobState(StateFor(result.Status));
        }

        internal static JobState StateFor(CommandStatus status) => status switch
        {
            CommandStatus.Succeeded => JobState.Completed,
            CommandStatus.Skipped => JobState.Completed,
            CommandStatus.Cancelled => JobState.Stopped,
            _ => JobState.Failed,
        };

        private static bool IsFinishedState(JobState s) =>
            s == JobState.Completed || s == JobState.Failed || s == JobState.Stopped;
    }
}
