using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ParallelJobs.Processes;

namespace ParallelJobs.Remote
{
    /// <summary>
    /// Starts commands on one SSH host: an ssh client runs the remote wrapper around the command (see
    /// <see cref="RemoteWrapper"/>). The request's program and arguments are the remote argv; its working
    /// directory and environment are applied on the host by the wrapper, not to the client.
    ///
    /// The client's stdin is a pipe this process holds open for the command's whole life: the wrapper's
    /// lifeline. The command itself reads end of file at once, as a local command does. Closing the pipe (a
    /// stop), killing the client, or this process ending (its end of the pipe closes with it) all reach the
    /// wrapper as end of file, also through a shared master connection, and it stops the remote process group.
    /// The client is started with .NET's Process, which can give it that pipe.
    /// </summary>
    internal sealed class SshLauncher : IProcessLauncher
    {
        private readonly SshConnections _ssh;
        private readonly SshHost _host;
        private readonly TimeSpan _grace;

        public SshLauncher(SshConnections ssh, SshHost host, TimeSpan grace)
        {
            if (host.IsLocal) throw new ArgumentException("The local entry ':' runs through the local launcher.", nameof(host));
            _ssh = ssh;
            _host = host;
            _grace = grace;
        }

        public SshHost Host => _host;

        /// <summary>The host's default shell is cmd.exe or PowerShell (as its last check found): commands run under the PowerShell wrapper.</summary>
        public bool IsWindows => (_ssh.ShellOf(_host) ?? RemoteShell.Posix) != RemoteShell.Posix;

        private string PosixCommand(ProcessStartRequest request)
        {
            var argv = new List<string>(request.Arguments.Count + 1) { request.FileName };
            argv.AddRange(request.Arguments);
            return RemoteWrapper.Command(_ssh.Nonce, RemoteStdin.Lifeline, _grace, request.WorkingDirectory, request.Environment, argv);
        }

        /// <summary>
        /// The request as a Windows command line, made as for a local Windows command (cmd.exe's own quoting for a
        /// shell line, the C runtime's for a program's arguments), run by the PowerShell wrapper.
        /// </summary>
        private string WindowsCommand(ProcessStartRequest request)
        {
            string arguments = request.WindowsArguments ?? WindowsCommandLine.Join(request.Arguments);
            string script = WindowsRemoteWrapper.ScriptFor(_ssh.Nonce, RemoteStdin.Lifeline, request.WorkingDirectory, request.Environment, request.FileName, arguments);
            return WindowsRemoteWrapper.Command(_ssh.ShellOf(_host) ?? RemoteShell.WindowsCmd, script, _ssh.Settings.WindowsPowerShell);
        }

        public ILaunchedProcess Start(ProcessStartRequest request)
        {
            string command;
            try
            {
                command = IsWindows ? WindowsCommand(request) : PosixCommand(request);
            }
            catch (ArgumentException e)
            {
                throw new ProcessStartException($"Cannot run '{MessageText.Shorten(request.FileName)}' on host '{_host.Name}': {e.Message}", e);
            }
            var psi = new ProcessStartInfo(_ssh.Settings.Program, WindowsCommandLine.Join(_ssh.Arguments(_host, command)))
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
            };
            var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
            var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.Exited += (_, __) =>
            {
                int code;
                try { code = process.ExitCode; } catch (InvalidOperationException) { code = -1; }
                exited.TrySetResult(code);
            };
            try
            {
                process.Start();
            }
            catch (Exception e) when (e is Win32Exception || e is InvalidOperationException || e is IOException || e is PlatformNotSupportedException)
            {
                process.Dispose();
                throw new ProcessStartException($"Cannot start the ssh client '{_ssh.Settings.Program}' for host '{_host.Name}': {e.Message}", e);
            }
            if (process.HasExited) exited.TrySetResult(process.ExitCode);
            return new RemoteLaunchedProcess(process, exited.Task, _ssh.Nonce, _grace, _host, request.WorkingDirectory);
        }
    }

    /// <summary>
    /// The ssh client seen as the remote command: stderr without the wrapper's markers, Id the remote group
    /// leader once reported, and an end that is the command's own (from the exit marker) or a transport failure.
    /// </summary>
    internal sealed class RemoteLaunchedProcess : ILaunchedProcess
    {
        private const int StderrTailBytes = 2048;
        private readonly Process _client;
        private readonly int _clientId;
        private readonly TimeSpan _grace;
        private readonly SshHost _host;
        private readonly string? _workingDirectory;
        private readonly RemoteMarkerFilter _filter;
        private readonly MarkerStrippingStream _stderr;
        private readonly TaskCompletionSource<ProcessExit> _exited = new TaskCompletionSource<ProcessExit>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly object _gate = new object();
        private int? _clientExitCode;
        private bool _stderrEnded;
        private Timer? _fallback;
        private Timer? _killTimer;
        private int _stopped;

        public RemoteLaunchedProcess(Process client, Task<int> clientExited, string nonce, TimeSpan grace, SshHost host, string? workingDirectory)
        {
            _client = client;
            _clientId = client.Id;
            _grace = grace;
            _host = host;
            _workingDirectory = workingDirectory;
            _filter = new RemoteMarkerFilter(nonce);
            _stderr = new MarkerStrippingStream(client.StandardError.BaseStream, _filter, StderrTailBytes, OnMarkersRead, OnStderrEnd);
            clientExited.ContinueWith(t => OnClientExited(t.Result), TaskContinuationOptions.ExecuteSynchronously);
        }

        /// <summary>
        /// The remote command's process once the wrapper reported it (the waiter's child with perl on the host, else
        /// the group leader the command is); until then the local ssh client's.
        /// </summary>
        public int Id => _filter.CommandPid ?? _filter.RemotePid ?? _clientId;
        public int ClientProcessId => _clientId;
        /// <summary>The remote process group's leader once the wrapper reported it (the waiter, with perl on the host).</summary>
        public int? RemoteGroupId => _filter.RemotePid;
        public Stream StandardOutput => _client.StandardOutput.BaseStream;
        public Stream StandardError => _stderr;
        public Task<ProcessExit> Exited => _exited.Task;

        private void OnMarkersRead()
        {
            if (_filter.Exit is ProcessExit exit) _exited.TrySetResult(exit);
            else if (_filter.NoDirectory)
                _exited.TrySetResult(ProcessExit.NotStarted($"Cannot start the command on host '{_host.Name}': working directory '{MessageText.Shorten(_workingDirectory ?? "")}' does not exist there (or cannot be entered)."));
        }

        private void OnStderrEnd()
        {
            lock (_gate) _stderrEnded = true;
            Decide();
        }

        private void OnClientExited(int exitCode)
        {
            _killTimer?.Dispose();
            lock (_gate) _clientExitCode = exitCode;
            Decide();
            // Normally stderr ends with the client; if something keeps it open, decide without it.
            var fallback = new Timer(_ => Decide(force: true), null, _grace + TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
            lock (_gate)
            {
                if (_exited.Task.IsCompleted) fallback.Dispose();
                else _fallback = fallback;
            }
        }

        /// <summary>Once the client has exited and stderr has been read to its end, the markers say what happened.</summary>
        private void Decide(bool force = false)
        {
            int code;
            lock (_gate)
            {
                if (_exited.Task.IsCompleted || !_clientExitCode.HasValue) return;
                if (!_stderrEnded && !force) return;
                code = _clientExitCode.Value;
            }
            OnMarkersRead();
            if (_exited.Task.IsCompleted) return;
            _exited.TrySetResult(ProcessExit.Lost(RemoteFailure.Reason(code, _filter, _stderr.Tail())));
        }

        /// <summary>
        /// Closes the lifeline: the wrapper stops the remote group (SIGTERM, the grace period it was started with,
        /// SIGKILL) and still reports how the command ended. If the client has not ended a while after that (a
        /// connection that hangs), it is killed. Without grace (this process is ending) the client is killed at
        /// once, which reaches the wrapper as end of file too. Never touches what else holds the client's pipes:
        /// that is the shared master connection, which carries the host's other commands.
        /// </summary>
        public void Stop(TimeSpan grace)
        {
            if (_clientExitCode.HasValue) return;
            if (Interlocked.Exchange(ref _stopped, 1) == 0)
            {
                try { _client.StandardInput.Close(); } catch (IOException) { } catch (InvalidOperationException) { }
            }
            if (grace == TimeSpan.Zero)
            {
                KillClient();
                return;
            }
            var timer = new Timer(_ => KillClient(), null, _grace + grace + TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);
            if (Interlocked.CompareExchange(ref _killTimer, timer, null) != null) timer.Dispose();
        }

        private void KillClient()
        {
            try { if (!_client.HasExited) _client.Kill(); }
            catch (InvalidOperationException) { }
            catch (Win32Exception) { }
        }

        /// <summary>.NET's Process cannot interrupt a blocked read: the reads end when the channel closes.</summary>
        public bool AbandonOutput() => false;

        /// <summary>What holds the client's pipes is its master connection, not the command's: nothing to name here.</summary>
        public IReadOnlyList<int> OutputHolders() => Array.Empty<int>();

        public void Dispose()
        {
            _fallback?.Dispose();
            _killTimer?.Dispose();
            _client.Dispose();
        }
    }

    /// <summary>
    /// A read-only stream over the ssh client's stderr that passes on only the command's own bytes, the
    /// wrapper's markers taken out (a read never returns 0 before the real end, even when a chunk held nothing
    /// but markers).
    /// </summary>
    internal sealed class MarkerStrippingStream : Stream
    {
        private readonly Stream _inner;
        private readonly RemoteMarkerFilter _filter;
        private readonly Action _onMarkers;
        private readonly Action _onEnd;
        private readonly byte[] _readBuffer = new byte[16 * 1024];
        private readonly byte[] _tail;
        private int _tailLength;
        private byte[] _ready = new byte[16 * 1024];
        private int _readyStart, _readyCount;
        private bool _ended;

        public MarkerStrippingStream(Stream inner, RemoteMarkerFilter filter, int tailBytes, Action onMarkers, Action onEnd)
        {
            _inner = inner;
            _filter = filter;
            _tail = new byte[tailBytes];
            _onMarkers = onMarkers;
            _onEnd = onEnd;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        /// <summary>The last bytes of the command's stderr (where ssh's own messages land too), for a failure's reason.</summary>
        public string Tail()
        {
            lock (_tail) return Encoding.UTF8.GetString(_tail, 0, _tailLength);
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            while (_readyCount == 0 && !_ended)
            {
                int n;
                try
                {
                    n = await _inner.ReadAsync(_readBuffer, 0, _readBuffer.Length, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException || e is ObjectDisposedException)
                {
                    n = 0;
                }
                if (n <= 0)
                {
                    _filter.Complete(Keep);
                    _ended = true;
                    _onMarkers();
                    _onEnd();
                    break;
                }
                _filter.Feed(_readBuffer, 0, n, Keep);
                _onMarkers();
            }
            if (_readyCount == 0) return 0;
            int take = Math.Min(count, _readyCount);
            Buffer.BlockCopy(_ready, _readyStart, buffer, offset, take);
            _readyStart += take;
            _readyCount -= take;
            return take;
        }

        private void Keep(byte[] data, int offset, int count)
        {
            if (_readyStart + _readyCount + count > _ready.Length)
            {
                var bigger = new byte[Math.Max(_ready.Length, _readyCount + count)];
                Buffer.BlockCopy(_ready, _readyStart, bigger, 0, _readyCount);
                _ready = bigger;
                _readyStart = 0;
            }
            Buffer.BlockCopy(data, offset, _ready, _readyStart + _readyCount, count);
            _readyCount += count;
            lock (_tail)
            {
                if (count >= _tail.Length)
                {
                    Buffer.BlockCopy(data, offset + count - _tail.Length, _tail, 0, _tail.Length);
                    _tailLength = _tail.Length;
                    return;
                }
                int keep = Math.Min(_tailLength, _tail.Length - count);
                Buffer.BlockCopy(_tail, _tailLength - keep, _tail, 0, keep);
                Buffer.BlockCopy(data, offset, _tail, keep, count);
                _tailLength = keep + count;
            }
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
