using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ParallelJobs.Processes;

namespace ParallelJobs.Remote
{
    /// <summary>
    /// One command on one host: an ssh client running the remote wrapper. Delivers the command's stdout and
    /// (marker-free) stderr bytes as they come, and ends with a <see cref="RemoteOutcome"/> once the client has
    /// exited and both pipes are at end of file.
    /// Stopping is polite first: <see cref="Stop"/> closes the channel's input, the wrapper's lifeline, so the
    /// wrapper stops the remote group (TERM, the grace period, KILL) and still reports how the command ended;
    /// if the client has not ended a while after that, it is killed here (the remote group is then stopped
    /// by the wrapper when the channel goes).
    /// </summary>
    internal sealed class RemoteProcess : IDisposable
    {
        private const int StderrTailBytes = 4096;
        private readonly SshConnections _ssh;
        private readonly SshHost _host;
        private readonly RemoteStdin _stdin;
        private readonly TimeSpan _grace;
        private readonly string _remoteCommand;
        private readonly Action<StreamKind, byte[], int, int>? _onOutput;
        private readonly RemoteMarkerFilter _filter;
        private readonly TaskCompletionSource<RemoteOutcome> _completion = new TaskCompletionSource<RemoteOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly byte[] _stderrTail = new byte[StderrTailBytes];
        private int _stderrTailLength;
        private Process? _process;
        private Timer? _killTimer;
        private int _pending;
        private int _stopped;

        public RemoteProcess(SshConnections ssh, SshHost host, IReadOnlyList<string> argv, RemoteStdin stdin, TimeSpan grace,
            string? workingDirectory, IEnumerable<KeyValuePair<string, string?>>? environment, Action<StreamKind, byte[], int, int>? onOutput)
        {
            _ssh = ssh;
            _host = host;
            _stdin = stdin;
            _grace = grace;
            _onOutput = onOutput;
            _filter = new RemoteMarkerFilter(ssh.Nonce);
            _remoteCommand = RemoteWrapper.Command(ssh.Nonce, stdin, grace, workingDirectory,
                environment ?? Array.Empty<KeyValuePair<string, string?>>(), argv);
        }

        public SshHost Host => _host;
        /// <summary>The local ssh client's pid.</summary>
        public int ClientProcessId { get; private set; }
        /// <summary>The remote group leader's pid, once the wrapper reported it.</summary>
        public int? RemotePid => _filter.RemotePid;
        /// <summary>The channel's input: the command's stdin with <see cref="RemoteStdin.Forward"/>.</summary>
        public Stream? Input => _stdin == RemoteStdin.Forward ? _process?.StandardInput.BaseStream : null;
        public Task<RemoteOutcome> Completion => _completion.Task;

        /// <summary>Starts the ssh client. Throws (Win32Exception and the like) when the client cannot be started at all.</summary>
        public Task<RemoteOutcome> Start()
        {
            var args = _ssh.Arguments(_host, _remoteCommand);
            var psi = new ProcessStartInfo(_ssh.Settings.Program, WindowsCommandLine.Join(args))
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
            };
            var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
            _pending = 3;
            process.Exited += (_, __) => PartDone();
            process.Start();
            _process = process;
            ClientProcessId = process.Id;
            _ = PumpAsync(process.StandardOutput.BaseStream, StreamKind.Output);
            _ = PumpAsync(process.StandardError.BaseStream, StreamKind.Error);
            return _completion.Task;
        }

        /// <summary>Stops the remote command: through the lifeline when there is one, else by ending the client.</summary>
        public void Stop()
        {
            if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
            var process = _process;
            if (process == null) return;
            if (_stdin == RemoteStdin.Lifeline)
            {
                try { process.StandardInput.Close(); } catch (IOException) { } catch (InvalidOperationException) { }
                // The wrapper needs the grace period; after that (and a margin for a slow link) the client goes.
                var wait = _grace + TimeSpan.FromSeconds(10);
                _killTimer = new Timer(_ => KillClient(), null, wait, Timeout.InfiniteTimeSpan);
            }
            else
            {
                KillClient();
            }
        }

        /// <summary>Ends the local ssh client at once; the wrapper stops the remote group when it notices the channel is gone.</summary>
        public void KillClient()
        {
            var process = _process;
            if (process == null) return;
            try { if (!process.HasExited) process.Kill(); }
            catch (InvalidOperationException) { }
            catch (System.ComponentModel.Win32Exception) { }
        }

        private async Task PumpAsync(Stream stream, StreamKind kind)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    int n = await stream.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false);
                    if (n <= 0) break;
                    if (kind == StreamKind.Output) _onOutput?.Invoke(kind, buffer, 0, n);
                    else _filter.Feed(buffer, 0, n, EmitError);
                }
            }
            catch (IOException) { }
            catch (ObjectDisposedException) { }
            if (kind == StreamKind.Error) _filter.Complete(EmitError);
            PartDone();
        }

        private void EmitError(byte[] buffer, int offset, int count)
        {
            KeepTail(buffer, offset, count);
            _onOutput?.Invoke(StreamKind.Error, buffer, offset, count);
        }

        private void KeepTail(byte[] buffer, int offset, int count)
        {
            if (count >= StderrTailBytes)
            {
                Buffer.BlockCopy(buffer, offset + count - StderrTailBytes, _stderrTail, 0, StderrTailBytes);
                _stderrTailLength = StderrTailBytes;
                return;
            }
            int keep = Math.Min(_stderrTailLength, StderrTailBytes - count);
            Buffer.BlockCopy(_stderrTail, _stderrTailLength - keep, _stderrTail, 0, keep);
            Buffer.BlockCopy(buffer, offset, _stderrTail, keep, count);
            _stderrTailLength = keep + count;
        }

        private void PartDone()
        {
            if (Interlocked.Decrement(ref _pending) != 0) return;
            _killTimer?.Dispose();
            var process = _process!;
            int code;
            try { code = process.ExitCode; } catch (InvalidOperationException) { code = -1; }
            string tail = Encoding.UTF8.GetString(_stderrTail, 0, _stderrTailLength);
            _completion.TrySetResult(RemoteOutcome.Classify(code, _filter, tail));
        }

        public void Dispose()
        {
            _killTimer?.Dispose();
            _process?.Dispose();
        }
    }
}
