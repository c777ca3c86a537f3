using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;

namespace ParallelJobs.Processes
{
    /// <summary>
    /// Starts one program with stdin empty and stdout and stderr on pipes. The one seam between running
    /// commands and how a process comes to exist: on this machine with posix_spawn or with .NET's Process;
    /// another launcher (over SSH, under a batch scheduler) fits the same shape.
    /// </summary>
    internal interface IProcessLauncher
    {
        /// <exception cref="ProcessStartException">The program could not be started; the message names it and says why.</exception>
        ILaunchedProcess Start(ProcessStartRequest request);
    }

    /// <summary>A started process: its output streams, its end, and how to stop it and what it started.</summary>
    internal interface ILaunchedProcess : IDisposable
    {
        int Id { get; }

        /// <summary>The process's stdout. A read returns 0 at end of file, and at once after <see cref="AbandonOutput"/> where that works.</summary>
        Stream StandardOutput { get; }

        Stream StandardError { get; }

        /// <summary>
        /// Completes when the started process itself has ended, which may be long before its output pipes
        /// reach end of file (a background child can hold them open).
        /// </summary>
        Task<ProcessExit> Exited { get; }

        /// <summary>
        /// Stops the process, everything it started and anything still holding its output pipes: a polite
        /// signal, the grace period, then a kill. Safe to call at any time, also after the process ended
        /// (then only what it left behind is stopped) and after Dispose.
        /// </summary>
        void Stop(TimeSpan grace);

        /// <summary>
        /// Stops reading the output: reads return what the pipes hold at this moment, then end of file, and
        /// the read ends are closed, so a process still writing to them gets a broken pipe. False where a
        /// blocked read cannot be interrupted (.NET's Process); its reads end only when the last writer
        /// closes the pipe.
        /// </summary>
        bool AbandonOutput();

        /// <summary>Processes, other than this one, that hold its output pipes open now; empty where the system cannot tell.</summary>
        IReadOnlyList<int> OutputHolders();
    }

    /// <summary>
    /// A launched process whose command ran on another machine than the launcher's (a Slurm job step): where,
    /// known once it has ended; null where it never started there.
    /// </summary>
    internal interface IPlacedProcess
    {
        string? ComputerName { get; }
        string? ClusterJobId { get; }
    }

    /// <summary>What to start: a program, its arguments, where, and with which changes to the inherited environment.</summary>
    internal sealed class ProcessStartRequest
    {
        public ProcessStartRequest(string fileName, IReadOnlyList<string> arguments)
        {
            FileName = fileName;
            Arguments = arguments;
        }

        /// <summary>A path, or a bare name looked up in PATH.</summary>
        public string FileName { get; }

        /// <summary>The arguments after the program name, each passed exactly.</summary>
        public IReadOnlyList<string> Arguments { get; }

        /// <summary>
        /// Windows only: the whole argument string when it must be passed as written (cmd.exe's own quoting);
        /// null to build it from <see cref="Arguments"/>.
        /// </summary>
        public string? WindowsArguments { get; set; }

        /// <summary>Null for the current directory of this process.</summary>
        public string? WorkingDirectory { get; set; }

        /// <summary>Added to the inherited environment; a null value removes the variable.</summary>
        public IList<KeyValuePair<string, string?>> Environment { get; } = new List<KeyValuePair<string, string?>>();
    }

    /// <summary>How a process ended, as the system reports it.</summary>
    internal readonly struct ProcessExit
    {
        private ProcessExit(int? exitCode, int? signal, bool exact, string? transportFailure = null, string? startFailure = null)
        {
            ExitCode = exitCode;
            Signal = signal;
            Exact = exact;
            TransportFailure = transportFailure;
            StartFailure = startFailure;
        }

        /// <summary>
        /// The code it passed to exit; for a process killed by signal n, 128 + n, as a shell's $? and
        /// PowerShell's $LASTEXITCODE show it. Null when unknown.
        /// </summary>
        public int? ExitCode { get; }

        /// <summary>The signal that killed it; null when it exited, or when the launcher cannot tell (see <see cref="Exact"/>).</summary>
        public int? Signal { get; }

        /// <summary>
        /// True when the status came from the system's wait status, so an exit with code 137 and a death by
        /// SIGKILL are told apart; false for .NET's Process, which reports both as 137.
        /// </summary>
        public bool Exact { get; }

        public static ProcessExit Exited(int code) => new ProcessExit(code, null, true);

        public static ProcessExit Killed(int signal) => new ProcessExit(128 + signal, signal, true);

        /// <summary>An exit code as .NET's Process reports it: on Unix, signal n also reads as 128 + n.</summary>
        public static ProcessExit Reported(int code) => new ProcessExit(code, null, false);

        public static ProcessExit Unknown => new ProcessExit(null, null, false);

        /// <summary>
        /// Set when what carried the command failed, not the command (an SSH host refused the connection, or
        /// the connection dropped before the command's end was reported): why, in words. The command's own
        /// fate is then unknown, and it can be run elsewhere.
        /// </summary>
        public string? TransportFailure { get; }

        public static ProcessExit Lost(string reason) => new ProcessExit(null, null, false, reason);

        /// <summary>
        /// Set when the command turned out not to be startable only after the launch (a remote host found no
        /// such working directory): why, in words, as a <see cref="ProcessStartException"/> would have said.
        /// </summary>
        public string? StartFailure { get; }

        public static ProcessExit NotStarted(string reason) => new ProcessExit(null, null, false, null, reason);
    }

    /// <summary>A program could not be started. The message names it and says why, for the result's Reason.</summary>
    internal sealed class ProcessStartException : Exception
    {
        public ProcessStartException(string message) : base(message) { }
        public ProcessStartException(string message, Exception inner) : base(message, inner) { }
    }
}
