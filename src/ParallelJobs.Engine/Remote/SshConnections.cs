using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Tasks;
using ParallelJobs.Processes;

namespace ParallelJobs.Remote
{
    /// <summary>
    /// Builds ssh command lines for a run's hosts and owns their shared connections: with connection sharing,
    /// the start-up check of a host opens its one master connection (ControlMaster auto, ControlPersist) with
    /// a control socket in a private directory, every command to that host then rides on it (no new
    /// handshake), and Dispose closes the masters and removes the directory.
    /// </summary>
    internal sealed class SshConnections : IDisposable
    {
        /// <summary>
        /// A unix socket path has room for 104 bytes (macOS; 108 on Linux); ssh adds a 17-character temporary
        /// suffix while it creates the socket, and %C is 40 hex digits. So the directory may be this long.
        /// </summary>
        internal const int MaxControlDirectoryLength = 45;
        /// <summary>ssh's exit status for its own failures (connection, host key, authentication, lost connection).</summary>
        public const int ConnectionFailureExitCode = 255;

        private readonly SshSettings _settings;
        private readonly object _gate = new object();
        private readonly HashSet<string> _mastersOpened = new HashSet<string>(StringComparer.Ordinal);
        private readonly Dictionary<string, SshHost> _hostsByName = new Dictionary<string, SshHost>(StringComparer.Ordinal);
        private readonly Dictionary<string, RemoteShell> _shells = new Dictionary<string, RemoteShell>(StringComparer.Ordinal);
        private string? _controlDirectory;
        private bool _closing;
        private volatile bool _disposed;

        public SshConnections(SshSettings settings)
        {
            _settings = settings ?? throw new ArgumentNullException(nameof(settings));
            _settings.Validate();
            Nonce = RemoteWrapper.NewNonce();
        }

        public SshSettings Settings => _settings;

        /// <summary>The run's marker prefix for the remote wrapper.</summary>
        public string Nonce { get; }

        /// <summary>The private directory of the control sockets (null without connection sharing, or before first use).</summary>
        public string? ControlDirectory => _controlDirectory;

        /// <summary>The arguments after the ssh program for one remote command (a single string, parsed once by the remote login shell).</summary>
        public IReadOnlyList<string> Arguments(SshHost host, string remoteCommand)
        {
            var args = CommonArguments(host);
            args.Add("-T"); // no terminal: stdout and stderr stay apart, and no line-ending translation
            args.Add("--");
            args.Add(host.HostName);
            args.Add(remoteCommand);
            return args;
        }

        /// <summary>ssh -O (check, exit) for the host's master connection.</summary>
        public IReadOnlyList<string> ControlArguments(SshHost host, string operation)
        {
            var args = CommonArguments(host);
            args.Add("-O");
            args.Add(operation);
            args.Add("--");
            args.Add(host.HostName);
            return args;
        }

        private List<string> CommonArguments(SshHost host)
        {
            if (host.IsLocal) throw new ArgumentException("The local host entry ':' runs without ssh.", nameof(host));
            if (_disposed) throw new ObjectDisposedException(nameof(SshConnections));
            var args = new List<string>();
            if (_settings.ConfigFile != null) { args.Add("-F"); args.Add(_settings.ConfigFile); }
            // The entry's user and port come first: they are more specific than any option or config file.
            if (host.User != null) { args.Add("-l"); args.Add(host.User); }
            if (host.Port.HasValue) { args.Add("-p"); args.Add(host.Port.Value.ToString(CultureInfo.InvariantCulture)); }
            // ssh keeps the first value it reads for an option: the user's -o come before the project's defaults.
            foreach (string option in _settings.Options) { args.Add("-o"); args.Add(option.Trim()); }
            args.Add("-o"); args.Add("BatchMode=yes"); // never a password prompt: there is no one to answer it
            args.Add("-o"); args.Add("ConnectTimeout=" + Seconds(_settings.ConnectTimeout));
            args.Add("-o"); args.Add("ServerAliveInterval=" + Seconds(_settings.ServerAliveInterval));
            args.Add("-o"); args.Add("ServerAliveCountMax=3");
            if (_settings.ShareConnections)
            {
                args.Add("-o"); args.Add("ControlMaster=auto");
                args.Add("-o"); args.Add("ControlPath=" + EnsureControlDirectory() + "/%C");
                args.Add("-o"); args.Add("ControlPersist=" + Seconds(_settings.ControlPersist));
            }
            lock (_gate) _hostsByName[host.Name] = host;
            return args;
        }

        private static string Seconds(TimeSpan t) =>
            Math.Max(1, (long)Math.Ceiling(t.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

        private string EnsureControlDirectory()
        {
            lock (_gate)
            {
                if (_controlDirectory != null) return _controlDirectory;
                string root = Path.GetTempPath().TrimEnd('/');
                if (root.Length + 18 > MaxControlDirectoryLength || root.IndexOf(' ') >= 0) root = "/tmp";
                string dir = PrivateDirectory.Create(root, "pj-ssh-");
                _controlDirectory = dir;
                return dir;
            }
        }

        /// <summary>
        /// Checks every remote host at once (a handshake each, so together they take as long as the slowest,
        /// not the sum). The local entry ':' is always reachable and reports this machine's processor count.
        /// Results come in the order of <paramref name="hosts"/>.
        /// </summary>
        public IReadOnlyList<SshHostCheck> CheckAll(IReadOnlyList<SshHost> hosts, TimeSpan timeout)
        {
            var checks = new Task<SshHostCheck>[hosts.Count];
            for (int i = 0; i < hosts.Count; i++)
            {
                var host = hosts[i];
                checks[i] = host.IsLocal
                    ? Task.FromResult(SshHostCheck.Reachable(host, Environment.ProcessorCount, TimeSpan.Zero))
                    : Task.Factory.StartNew(() => Check(host, timeout), TaskCreationOptions.LongRunning);
            }
            Task.WaitAll(checks);
            return checks.Select(t => t.Result).ToList();
        }

        /// <summary>
        /// Connects to the host (opening its shared connection), runs the wrapper with a tiny command, and reads
        /// the host's processor count. Never throws for a bad host: the result says why it failed.
        /// A host whose default shell is not a POSIX shell is asked which shell it has (<see cref="CheckWindows"/>);
        /// a Windows host is then checked with the PowerShell wrapper, and its commands use that wrapper.
        /// </summary>
        public SshHostCheck Check(SshHost host, TimeSpan timeout)
        {
            var watch = Stopwatch.StartNew();
            // Forward: the check's input is closed at once, which in lifeline mode would stop the command.
            string command = RemoteWrapper.Command(Nonce, RemoteStdin.Forward, TimeSpan.Zero, null,
                Array.Empty<KeyValuePair<string, string?>>(),
                RemoteWrapper.ShellLine("getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null"));
            if (!TryRun(host, command, timeout, watch, out var run, out var failed)) return failed!;
            if (_settings.ShareConnections) lock (_gate) _mastersOpened.Add(host.Name);

            var filter = Filtered(run!, out string errorText);
            if (filter.ExitStatus == null)
            {
                if (run!.ExitCode == ConnectionFailureExitCode) return ConnectionFailed(host, run, errorText, watch);
                string posixReason = $"the remote side did not run the wrapper (ssh exit {run.ExitCode}; the login shell must be a POSIX shell, or cmd.exe or PowerShell on Windows): {Reason(errorText, "no message")}";
                return CheckWindows(host, timeout, watch) ?? SshHostCheck.Failed(host, posixReason, run.ExitCode, watch.Elapsed);
            }
            if (filter.ExitStatus != 0)
                return SshHostCheck.Failed(host, $"the check command failed on the host (exit {filter.ExitStatus}): {Reason(errorText, "no message")}", run!.ExitCode, watch.Elapsed);
            lock (_gate) _shells[host.Name] = RemoteShell.Posix;
            return SshHostCheck.Reachable(host, Processors(run!.Output), watch.Elapsed);
        }

        /// <summary>
        /// After the POSIX wrapper did not run: asks which shell answers (<see cref="WindowsRemoteWrapper.ShellProbe"/>,
        /// told apart by what cmd.exe and PowerShell each expand), then runs the PowerShell wrapper there with a
        /// command that prints the processor count. Null when no Windows shell answered (the POSIX reason stands).
        /// </summary>
        private SshHostCheck? CheckWindows(SshHost host, TimeSpan timeout, Stopwatch watch)
        {
            if (!TryRun(host, WindowsRemoteWrapper.ShellProbe(Nonce), timeout, watch, out var probe, out var failed)) return failed;
            if (probe!.ExitCode == ConnectionFailureExitCode)
            {
                Filtered(probe, out string said);
                return ConnectionFailed(host, probe, said, watch);
            }
            var shell = WindowsRemoteWrapper.ShellFromProbe(Nonce, Encoding.UTF8.GetString(probe.Output));
            if (shell == null) return null;
            string name = ShellName(shell.Value);
            string command;
            try
            {
                var (file, arguments) = WindowsRemoteWrapper.ProcessorCount;
                string script = WindowsRemoteWrapper.ScriptFor(Nonce, RemoteStdin.Forward, null, Array.Empty<KeyValuePair<string, string?>>(), file, arguments);
                command = WindowsRemoteWrapper.Command(shell.Value, script, _settings.WindowsPowerShell);
            }
            catch (ArgumentException e)
            {
                return SshHostCheck.Failed(host, $"a Windows host ({name}): {e.Message}", probe.ExitCode, watch.Elapsed);
            }
            if (!TryRun(host, command, timeout, watch, out var run, out failed)) return failed;
            var filter = Filtered(run!, out string errorText);
            if (filter.ExitStatus == null)
            {
                string what = shell == RemoteShell.WindowsCmd ? $"'{_settings.WindowsPowerShell}' did not run the wrapper" : "PowerShell did not run the wrapper";
                return SshHostCheck.Failed(host, $"a Windows host ({name}), but {what} (ssh exit {run!.ExitCode}): {Reason(errorText, "no message")}", run.ExitCode, watch.Elapsed);
            }
            if (filter.ExitStatus != 0)
                return SshHostCheck.Failed(host, $"a Windows host ({name}), but the check command failed there (exit {filter.ExitStatus}): {Reason(errorText, "no message")}", run!.ExitCode, watch.Elapsed);
            lock (_gate) _shells[host.Name] = shell.Value;
            return SshHostCheck.Reachable(host, Processors(run!.Output), watch.Elapsed, shell.Value);
        }

        /// <summary>How the user reads a host's shell in messages.</summary>
        internal static string ShellName(RemoteShell shell) => shell switch
        {
            RemoteShell.WindowsCmd => "Windows, default shell cmd.exe",
            RemoteShell.WindowsPowerShell => "Windows, default shell PowerShell",
            _ => "POSIX shell",
        };

        /// <summary>The shell the last successful check of this host found; null before one.</summary>
        public RemoteShell? ShellOf(SshHost host)
        {
            lock (_gate) return _shells.TryGetValue(host.Name, out var shell) ? shell : (RemoteShell?)null;
        }

        /// <summary>Runs one ssh call of a check within what is left of <paramref name="timeout"/> (at least a second).</summary>
        private bool TryRun(SshHost host, string command, TimeSpan timeout, Stopwatch watch, out RunResult? run, out SshHostCheck? failed)
        {
            run = null;
            failed = null;
            var left = timeout - watch.Elapsed;
            if (left < TimeSpan.FromSeconds(1)) left = TimeSpan.FromSeconds(1);
            try
            {
                run = RunSsh(Arguments(host, command), left);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is InvalidOperationException || e is IOException || e is PlatformNotSupportedException)
            {
                failed = SshHostCheck.Failed(host, $"cannot run '{_settings.Program}': {e.Message}", null, watch.Elapsed);
                return false;
            }
            if (run.TimedOut)
            {
                failed = SshHostCheck.Failed(host, $"no answer within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", null, watch.Elapsed);
                return false;
            }
            return true;
        }

        private RemoteMarkerFilter Filtered(RunResult run, out string errorText)
        {
            var filter = new RemoteMarkerFilter(Nonce);
            var errors = new MemoryStream();
            filter.Feed(run.Error, 0, run.Error.Length, (b, o, c) => errors.Write(b, o, c));
            filter.Complete((b, o, c) => errors.Write(b, o, c));
            errorText = Encoding.UTF8.GetString(errors.ToArray());
            return filter;
        }

        /// <summary>ssh itself failed (exit 255: refused, host key, authentication, dropped): its own last line is the reason.</summary>
        private static SshHostCheck ConnectionFailed(SshHost host, RunResult run, string errorText, Stopwatch watch) =>
            SshHostCheck.Failed(host, Reason(errorText, "ssh could not connect (exit 255)"), run.ExitCode, watch.Elapsed);

        private static int? Processors(byte[] output)
        {
            string firstLine = Encoding.UTF8.GetString(output).Split('\n')[0].Trim();
            return int.TryParse(firstLine, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : (int?)null;
        }

        /// <summary>The last line ssh (or the remote side) wrote on stderr, as the reason of a failure.</summary>
        internal static string Reason(string stderr, string fallback)
        {
            var lines = stderr.Replace("\r", "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            if (lines.Count == 0) return fallback;
            // A few trailing lines: ssh sometimes explains over two ("Host key verification failed." after a warning).
            return string.Join(" ", lines.Skip(Math.Max(0, lines.Count - 3)));
        }

        private sealed class RunResult
        {
            public int ExitCode;
            public byte[] Output = Array.Empty<byte>();
            public byte[] Error = Array.Empty<byte>();
            public bool TimedOut;
        }

        private RunResult RunSsh(IReadOnlyList<string> args, TimeSpan timeout)
        {
            var psi = new ProcessStartInfo(_settings.Program, WindowsCommandLine.Join(args))
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
            };
            using (var process = Process.Start(psi)!)
            {
                try { process.StandardInput.Close(); } catch (IOException) { }
                var output = ReadAllAsync(process.StandardOutput.BaseStream);
                var error = ReadAllAsync(process.StandardError.BaseStream);
                var result = new RunResult();
                if (!process.WaitForExit((int)Math.Min(int.MaxValue, timeout.TotalMilliseconds)))
                {
                    ProcessTreeKiller.Stop(process, TimeSpan.Zero);
                    result.TimedOut = true;
                }
                process.WaitForExit();
                // A master that went to the background has left these pipes, so they end with the client.
                Task.WaitAll(new Task[] { output, error }, TimeSpan.FromSeconds(10));
                result.ExitCode = process.ExitCode;
                result.Output = output.IsCompleted ? output.Result : Array.Empty<byte>();
                result.Error = error.IsCompleted ? error.Result : Array.Empty<byte>();
                return result;
            }
        }

        private static async Task<byte[]> ReadAllAsync(Stream stream)
        {
            var ms = new MemoryStream();
            await stream.CopyToAsync(ms).ConfigureAwait(false);
            return ms.ToArray();
        }

        /// <summary>Closes the host's shared connection (ssh -O exit); commands still on it lose their channel.</summary>
        public void Close(SshHost host)
        {
            if (!_settings.ShareConnections || host.IsLocal) return;
            try { RunSsh(ControlArguments(host, "exit"), TimeSpan.FromSeconds(10)); }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is InvalidOperationException || e is IOException) { }
            lock (_gate) _mastersOpened.Remove(host.Name);
        }

        /// <summary>Closes every master connection this run opened and removes the control directory.</summary>
        public void Dispose()
        {
            List<SshHost> hosts;
            lock (_gate)
            {
                if (_closing) return;
                _closing = true;
                hosts = _hostsByName.Values.ToList();
            }
            foreach (var host in hosts)
            {
                // A master may also have been opened by a command's ssh (ControlMaster auto), so every host used is asked.
                if (_controlDirectory != null && Directory.Exists(_controlDirectory) && Directory.EnumerateFileSystemEntries(_controlDirectory).Any())
                    Close(host);
            }
            _disposed = true;
            if (_controlDirectory != null)
            {
                try { Directory.Delete(_controlDirectory, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }

    /// <summary>What the start-up check of one host found.</summary>
    internal sealed class SshHostCheck
    {
        private SshHostCheck(SshHost host, bool ok, int? processors, string? reason, int? exitCode, TimeSpan elapsed, RemoteShell shell = RemoteShell.Posix)
        {
            Shell = shell;
            Host = host;
            IsReachable = ok;
            Processors = processors;
            Reason = reason;
            SshExitCode = exitCode;
            Elapsed = elapsed;
        }

        public SshHost Host { get; }
        public bool IsReachable { get; }
        /// <summary>The host's online processor count (getconf _NPROCESSORS_ONLN, else nproc), if it told.</summary>
        public int? Processors { get; }
        /// <summary>Why the host cannot be used, from ssh's own message where there is one.</summary>
        public string? Reason { get; }
        public int? SshExitCode { get; }
        /// <summary>The check's duration: for a first check, the cost of setting up the host's connection.</summary>
        public TimeSpan Elapsed { get; }
        /// <summary>The default shell that answered, for a reachable host (Windows hosts run the PowerShell wrapper).</summary>
        public RemoteShell Shell { get; }

        internal static SshHostCheck Reachable(SshHost host, int? processors, TimeSpan elapsed, RemoteShell shell = RemoteShell.Posix) => new SshHostCheck(host, true, processors, null, 0, elapsed, shell);
        internal static SshHostCheck Failed(SshHost host, string reason, int? exitCode, TimeSpan elapsed) => new SshHostCheck(host, false, null, reason, exitCode, elapsed);

        public override string ToString() => IsReachable ? $"{Host.Name}: reachable" : $"{Host.Name}: {Reason}";
    }
}
