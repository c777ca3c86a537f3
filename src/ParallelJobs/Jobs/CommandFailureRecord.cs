using System.Management.Automation;

namespace ParallelJobs.Jobs
{
    /// <summary>
    /// The error record for a command that did not succeed, as Start-ParallelCommand writes it: the stable
    /// ErrorId of its status, a fitting category, and the result as target object. Cancelled commands are
    /// not errors (the user asked for them to stop).
    /// </summary>
    internal static class CommandFailureRecord
    {
        public static ErrorRecord? For(CommandResult result)
        {
            if (result.Succeeded || result.Status == CommandStatus.Cancelled || result.Status == CommandStatus.Skipped) return null;
            var category = result.Status switch
            {
                CommandStatus.TimedOut => ErrorCategory.OperationTimeout,
                CommandStatus.FailedToStart => ErrorCategory.ResourceUnavailable,
                _ => ErrorCategory.InvalidResult,
            };
            return new ErrorRecord(new CommandFailedException(result), CommandFailedException.ErrorIdFor(result.Status), category, result);
        }
    }
}
