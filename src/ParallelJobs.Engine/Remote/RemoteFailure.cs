namespace ParallelJobs.Remote
{
    /// <summary>Why a remote command's end is unknown: the host failed, not the command.</summary>
    internal static class RemoteFailure
    {
        /// <summary>
        /// The reason for a command whose wrapper reported no exit status (the exit marker, when present, is the
        /// truth whatever ssh's own status). ssh's 255 is its own failure: before the remote pid was reported
        /// the command never started; after, it may have run in part (a rerun elsewhere makes it at-least-once).
        /// </summary>
        public static string Reason(int sshExitCode, RemoteMarkerFilter markers, string stderrText)
        {
            string said = SshConnections.Reason(stderrText, "no message");
            if (sshExitCode != SshConnections.ConnectionFailureExitCode)
                return $"The remote wrapper did not report how the command ended (ssh exit {sshExitCode}: {said}).";
            return markers.RemotePid.HasValue
                ? $"The connection was lost while the command ran (ssh exit 255: {said}); it may have run in part."
                : $"ssh could not run the command on the host (exit 255: {said}).";
        }
    }
}
