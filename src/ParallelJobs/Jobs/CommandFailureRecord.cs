using System.Collections.Generic;
using System.IO;
using System.Management.Automation;

namespace ParallelJobs.Jobs
{
    /// <summary>
    /// The error records for a command's result, as Start-ParallelCommand writes them: for a command that did
    /// not succeed, the stable ErrorId of its status, a fitting category, and the result as target object
    /// (cancelled commands are not errors: the user asked for them to stop); and for a command whose output
    /// could not all be written to the output directory, OutputNotWritten, naming the file and the reason.
    /// </summary>
    internal static class CommandFailureRecord
    {
        public const string OutputNotWrittenId = "OutputNotWritten";

        public static IReadOnlyList<ErrorRecord> For(CommandResult result)
        {
            var records = new List<ErrorRecord>(1);
            var failure = Failure(result);
            if (failure != null) records.Add(failure);
            if (result.OutputWriteError != null)
            {
                var e = new IOException($"Output of command {result.Index} ({MessageText.Shorten(result.Command)}) was not all written: {result.OutputWriteError}");
                records.Add(new ErrorRecord(e, OutputNotWrittenId, ErrorCategory.WriteError, result));
            }
            return records;
        }

        private static ErrorRecord? Failure(CommandResult result)
        {
            if (result.Succeeded || result.Status == CommandStatus.Cancelled || result.Status == CommandStatus.Skipped) return null;
            var category = result.Status switch
            {
                CommandStatus.TimedOut => ErrorCategory.OperationTimeout,
                CommandStatus.FailedToStart => ErrorCategory.ResourceUnavailable,
                CommandStatus.HostUnavailable => ErrorCategory.ConnectionError,
                _ => ErrorCategory.InvalidResult,
            };
            return new ErrorRecord(new CommandFailedException(result), CommandFailedException.ErrorIdFor(result.Status), category, result);
        }
    }
}
