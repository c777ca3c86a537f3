namespace ParallelJobs.Remote
{
    internal enum RemoteOutcomeKind
    {
        /// <summary>The command ran on the host and ended; its exit status is known exactly.</summary>
        Exited,
        /// <summary>
        /// The host failed, not the command: ssh could not connect or authenticate, or the connection dropped
        /// before the wrapper reported the exit status. If <see cref="RemoteOutcome.StartedRemotely"/>, the
        /// command may have run in part (a rerun elsewhere makes it at-least-once).
        /// </summary>
        HostFailure,
        /// <summary>The working directory could not be entered on the host; the command did not run.</summary>
        NoWorkingDirectory,
    }

    /// <summary>How one remote command ended, read from the wrapper's markers first and ssh's exit status second.</summary>
    internal sealed class RemoteOutcome
    {
        public RemoteOutcomeKind Kind { get; private set; }
        /// <summary>The command's exit status on the host (128 + n when signal n ended it, as the shell reports).</summary>
        public int? ExitCode { get; private set; }
        /// <summary>The signal that ended the command, when its status says so.</summary>
        public int? Signal => ExitCode.HasValue && ExitCode.Value > 128 && ExitCode.Value < 160 ? ExitCode.Value - 128 : (int?)null;
        /// <summary>The remote process group's leader (the command's top process), once reported.</summary>
        public int? RemotePid { get; private set; }
        /// <summary>True when the wrapper had started the command before anything went wrong.</summary>
        public bool StartedRemotely => RemotePid.HasValue;
        /// <summary>ssh's own exit status (255 for its own failures; else the wrapper's).</summary>
        public int SshExitCode { get; private set; }
        /// <summary>For a host failure: ssh's message (or what was seen instead).</summary>
        public string? Reason { get; private set; }

        /// <summary>
        /// The exit marker is the truth when present, whatever ssh's own status (which is 255 also when the
        /// remote shell was killed by a signal, so it cannot tell a command's failure from a host's). Without it,
        /// the command's fate is unknown: a host failure.
        /// </summary>
        internal static RemoteOutcome Classify(int sshExitCode, RemoteMarkerFilter markers, string stderrText)
        {
            var outcome = new RemoteOutcome { SshExitCode = sshExitCode, RemotePid = markers.RemotePid };
            if (markers.ExitStatus.HasValue && !markers.NoDirectory)
            {
                outcome.Kind = RemoteOutcomeKind.Exited;
                outcome.ExitCode = markers.ExitStatus;
                return outcome;
            }
            if (markers.NoDirectory)
            {
                outcome.Kind = RemoteOutcomeKind.NoWorkingDirectory;
                return outcome;
            }
            outcome.Kind = RemoteOutcomeKind.HostFailure;
            string said = SshConnections.Reason(stderrText, "no message");
            if (sshExitCode == SshConnections.ConnectionFailureExitCode)
                outcome.Reason = markers.RemotePid.HasValue
                    ? $"The connection was lost while the command ran (ssh exit 255: {said}); it may have run in part."
                    : $"ssh could not run the command on the host (exit 255: {said}).";
            else
                outcome.Reason = $"The remote wrapper did not report how the command ended (ssh exit {sshExitCode}: {said}).";
            return outcome;
        }

        public override string ToString() => Kind == RemoteOutcomeKind.Exited ? $"exit {ExitCode}" : Kind + ": " + Reason;
    }
}
