using System;

namespace ParallelJobs
{
    /// <summary>Describes a command that did not succeed; carries its result for error handlers.</summary>
    public sealed class CommandFailedException : Exception
    {
        public CommandFailedException(CommandResult result)
            : base(Describe(result))
        {
            Result = result;
        }

        public CommandResult Result { get; }

        private static string Describe(CommandResult r)
        {
            // Quoted text is shortened: the full command and lines stay on the result (Command, Error).
            string last = r.Error.Length > 0 ? " Last error line: " + MessageText.Shorten(r.Error[r.Error.Length - 1]) : "";
            return $"Command {r.Index} ({MessageText.Shorten(r.Command)}) {StatusWords(r.Status)}: {MessageText.Shorten(r.Reason)}{last}";
        }

        private static string StatusWords(CommandStatus s) => s switch
        {
            CommandStatus.Failed => "failed",
            CommandStatus.TimedOut => "timed out",
            CommandStatus.FailedToStart => "could not start",
            CommandStatus.Cancelled => "was cancelled",
            _ => s.ToString(),
        };

        /// <summary>The stable ErrorId a PowerShell error record uses for this status.</summary>
        public static string ErrorIdFor(CommandStatus s) => s switch
        {
            CommandStatus.TimedOut => "CommandTimedOut",
            CommandStatus.FailedToStart => "CommandFailedToStart",
            CommandStatus.Cancelled => "CommandCancelled",
            CommandStatus.HostUnavailable => "CommandHostUnavailable",
            _ => "CommandFailed",
        };
    }
}
