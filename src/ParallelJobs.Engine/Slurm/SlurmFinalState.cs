using System;
using System.Globalization;

namespace ParallelJobs.Slurm
{
    /// <summary>
    /// How Slurm says a task ended (sacct -c or scontrol show job), and what that means for the command the
    /// task was running when it ended without writing that command's result.
    /// </summary>
    internal sealed class SlurmFinalState
    {
        public SlurmFinalState(string jobId, string state, string exitCode, DateTime? start, DateTime? end, string? nodes)
        {
            JobId = jobId;
            // "CANCELLED by 0" and similar: the first word is the state.
            int space = state.IndexOf(' ');
            State = (space > 0 ? state.Substring(0, space) : state).Trim().TrimEnd('+');
            ExitCode = exitCode;
            Start = start;
            End = end;
            Nodes = string.IsNullOrWhiteSpace(nodes) || nodes == "(null)" || nodes == "None assigned" ? null : nodes;
        }

        public string JobId { get; }
        /// <summary>COMPLETED, FAILED, TIMEOUT, CANCELLED, NODE_FAIL, PREEMPTED, OUT_OF_MEMORY, BOOT_FAIL, DEADLINE, ...</summary>
        public string State { get; }
        /// <summary>Slurm's "exit:signal" of the batch script.</summary>
        public string ExitCode { get; }
        public DateTime? Start { get; }
        public DateTime? End { get; }
        public string? Nodes { get; }

        /// <summary>True for states a task does not leave again (so its missing records will not come).</summary>
        public bool IsFinal => IsFinalState(State);

        public static bool IsFinalState(string state)
        {
            switch (state)
            {
                case "COMPLETED":
                case "FAILED":
                case "TIMEOUT":
                case "CANCELLED":
                case "NODE_FAIL":
                case "PREEMPTED":
                case "OUT_OF_MEMORY":
                case "BOOT_FAIL":
                case "DEADLINE":
                case "SPECIAL_EXIT":
                case "REVOKED":
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>
        /// The status of a command that was running in a task which ended this way without writing the command's
        /// result: the time limit is TimedOut, scancel is Cancelled, everything else (node failure, preemption,
        /// out of memory, a script that died) is Failed with Slurm's state in the reason.
        /// </summary>
        public CommandStatus ToStatus(out string reason)
        {
            string task = "Slurm task (job " + JobId + ")";
            switch (State)
            {
                case "TIMEOUT":
                    reason = $"{task} reached its time limit (TIMEOUT); Slurm stopped the command.";
                    return CommandStatus.TimedOut;
                case "DEADLINE":
                    reason = $"{task} reached its deadline (DEADLINE); Slurm stopped the command.";
                    return CommandStatus.TimedOut;
                case "CANCELLED":
                    reason = $"{task} was cancelled (CANCELLED, e.g. by scancel) while the command ran.";
                    return CommandStatus.Cancelled;
                case "COMPLETED":
                    reason = $"{task} ended (COMPLETED) without writing the command's result record.";
                    return CommandStatus.Failed;
                case "FAILED":
                    reason = $"{task} failed (FAILED, exit {ExitCode}) without writing the command's result record.";
                    return CommandStatus.Failed;
                default:
                    reason = $"{task} ended {State} while the command ran.";
                    return CommandStatus.Failed;
            }
        }

        /// <summary>The signal part of Slurm's "exit:signal", when non-zero.</summary>
        public int? Signal
        {
            get
            {
                int colon = ExitCode.IndexOf(':');
                if (colon < 0) return null;
                return int.TryParse(ExitCode.Substring(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int s) && s > 0 ? s : (int?)null;
            }
        }
    }
}
