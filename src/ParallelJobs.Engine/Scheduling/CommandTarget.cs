using ParallelJobs.Processes;
using ParallelJobs.Remote;

namespace ParallelJobs.Scheduling
{
    /// <summary>Where a command runs when a run spreads over hosts: the host's launcher and how results name it.</summary>
    internal sealed class CommandTarget
    {
        public CommandTarget(IProcessLauncher launcher, bool remote, string computerName, string jobLogHost)
        {
            Launcher = launcher;
            Remote = remote;
            ComputerName = computerName;
            JobLogHost = jobLogHost;
        }

        public IProcessLauncher Launcher { get; }
        /// <summary>True for an SSH host: a command line is resolved for the host's shell, whatever this machine is, and the remote working directory applies.</summary>
        public bool Remote { get; }
        /// <summary>
        /// An SSH host whose default shell is cmd.exe or PowerShell: a command line is resolved for cmd.exe (as on a
        /// local Windows machine), else for /bin/sh. Asked at each start: a host down at the start-up check is
        /// known only once a later check reached it.
        /// </summary>
        public bool WindowsHost => Launcher is SshLauncher ssh && ssh.IsWindows;
        public string ComputerName { get; }
        public string JobLogHost { get; }

        /// <summary>The command as this target runs it.</summary>
        internal LaunchInfo Resolve(CommandSpec spec, int index, int slot) =>
            WindowsHost ? ResolveForWindowsHost(spec, index, slot) : spec.Resolve(index, slot, posix: Remote);

        /// <summary>The command as an SSH host with a Windows default shell gets it: a cmd.exe command line, cmd.exe by that name.</summary>
        internal static LaunchInfo ResolveForWindowsHost(CommandSpec spec, int index, int slot) =>
            spec.Resolve(index, slot, windows: true, comspec: "cmd.exe");
    }
}
