using ParallelJobs.Processes;

namespace ParallelJobs.Scheduling
{
    /// <summary>Where a command runs when a run spreads over hosts: the host's launcher and how results name it.</summary>
    internal sealed class CommandTarget
    {
        public CommandTarget(IProcessLauncher launcher, bool posix, string computerName, string jobLogHost)
        {
            Launcher = launcher;
            Posix = posix;
            ComputerName = computerName;
            JobLogHost = jobLogHost;
        }

        public IProcessLauncher Launcher { get; }
        /// <summary>True for an SSH host: a command line is resolved for /bin/sh whatever this machine is.</summary>
        public bool Posix { get; }
        public string ComputerName { get; }
        public string JobLogHost { get; }
    }
}
