using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Pipes;
using System.Threading;
using System.Threading.Tasks;
using ParallelJobs.Output;
using ParallelJobs.Processes;

namespace ParallelJobs.Scheduling
{
    /// <summary>
    /// One command in one slot: starts its process with stdin closed, reads stdout and stderr
    /// concurrently as bytes (to the slot files and to lines), enforces the time-out, stops the whole
    /// tree when asked, retries when allowed, and builds the result once the process has exited and
    /// both pipes are at end of file.
    /// </summary>
    internal sealed class CommandExecution
    {
        private const int StopNone = 0, StopTimeout = 1, StopCancel = 2;
        private readonly int _index;
        private readonly int _slot;
        private readonly CommandSpec _spec;
        private readonly RunOptions _options;
        private readonly SlotFiles? _files;
        private readonly Action<SlotOutputLine>? _lineObserver;
        private readonly Action<CommandExecution, CommandResult> _onFinished;
        private readonly Action<CommandExecution>? _onStarted;
        private readonly CommandResult _result = new CommandResult();
        private readonly long _outOffset;
        private readonly long _errOffset;
        private Process? _process;
        private LineCollector? _lines;
        private Timer? _timer;
        private int _stopReason;
        private int _pendingParts;
        private string? _startError;

        public CommandExecution(int index, int slot, CommandSpec spec, RunOptions options, SlotFiles? files,
            Action<SlotOutputLine>? lineObserver, Action<CommandExecution>? onStarted, Action<CommandExecution, CommandResult> onFinished)
        {
            _index = index;
            _slot = slot;
            _spec = spec;
            _options = options;
            _files = files;
            _lineObserver = lineObserver;
            _onStarted = onStarted;
            _onFinished = onFinished;
            _outOffset = files?.OutPosition ?? 0;
            _errOffset = files?.ErrPosition ?? 0;
            _result.Index = index;
            _result.Slot = slot;
            _result.InputObject = spec.Input;
            _result.OutputPath = files?.OutPath;
            _result.ErrorPath = files?.ErrPath;
        }

        public int Index => _index;
        public int Slot => _slot;
        public int ProcessId => _result.ProcessId;
        public string Command => _result.Command;
        public long OutOffset => _outOffset;
        public long ErrOffset => _errOffset;

        public void Start()
        {
            var launch = _spec.Resolve(_index, _slot);
            _result.Command = launch.Display;
            _result.Attempts++;
            _result.StartTime ??= DateTime.Now;
            _lines = new LineCollector(_index, _slot, _files != null, _options.TailLines, _options.MaxLineLength, _lineObserver);

            var psi = new ProcessStartInfo(launch.FileName, launch.Arguments)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
            };
            if (_options.WorkingDirectory != null) psi.WorkingDirectory = _options.WorkingDirectory;
            foreach (var kv in _options.Environment)
            {
                if (kv.Value == null) psi.Environment.Remove(kv.Key);
                else psi.Environment[kv.Key] = kv.Value;
            }
            psi.Environment["PARALLELJOBS_SLOT"] = _slot.ToString(CultureInfo.InvariantCulture);
            psi.Environment["PARALLELJOBS_INDEX"] = _index.ToString(CultureInfo.InvariantCulture);

            var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
            _pendingParts = 3; // exit, stdout EOF, stderr EOF
            process.Exited += (_, __) => PartDone();
            try
            {
                process.Start();
            }
            catch (Exception e) when (e is Win32Exception || e is InvalidOperationException || e is IOException || e is UnauthorizedAccessException || e is PlatformNotSupportedException)
            {
                process.Dispose();
                _startError = DescribeStartFailure(launch, e);
                Finish();
                return;
            }
            _process = process;
            _result.ProcessId = process.Id;
            try { process.StandardInput.Close(); } catch (IOException) { /* already gone */ }

            if (_options.Timeout.HasValue)
                _timer = new Timer(_ => RequestStop(StopTimeout), null, _options.Timeout.Value, System.Threading.Timeout.InfiniteTimeSpan);
            _onStarted?.Invoke(this);
            if (Volatile.Read(ref _stopReason) != StopNone) StopTree(); // cancelled between dispatch and start

            _ = PumpAsync(process.StandardOutput.BaseStream, StreamKind.Output);
            _ = PumpAsync(process.StandardError.BaseStream, StreamKind.Error);
        }

        private string DescribeStartFailure(LaunchInfo launch, Exception e)
        {
            if (_options.WorkingDirectory != null && !Directory.Exists(_options.WorkingDirectory))
                return $"Cannot start '{MessageText.Shorten(launch.FileName)}': working directory '{MessageText.Shorten(_options.WorkingDirectory)}' does not exist.";
            // The runtime's message quotes the program (and working directory) in full.
            return $"Cannot start '{MessageText.Shorten(launch.FileName)}': {MessageText.Shorten(e.Message, 2 * MessageText.DefaultLimit)}";
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
                    _files?.Write(kind, buffer, n);
                    _lines!.Append(kind, buffer, n);
                }
            }
            catch (IOException) { }
            catch (ObjectDisposedException) { }
            _lines!.Complete(kind);
            PartDone();
        }

        private void PartDone()
        {
            if (Interlocked.Decrement(ref _pendingParts) == 0) Finish();
        }

        /// <summary>Stops the command's process tree because of a time-out or a cancellation.</summary>
        public void Cancel() => RequestStop(StopCancel);

        /// <summary>Kills the tree at once, on this thread: for process exit, where no grace period is left.</summary>
        public void KillNow()
        {
            Interlocked.CompareExchange(ref _stopReason, StopCancel, StopNone);
            var process = _process;
            if (process != null) ProcessTreeKiller.Stop(process, TimeSpan.Zero, PipeLinks(process));
        }

        private void RequestStop(int reason)
        {
            if (Interlocked.CompareExchange(ref _stopReason, reason, StopNone) != StopNone) return;
            if (_process != null) ThreadPool.QueueUserWorkItem(_ => StopTree());
        }

        private void StopTree()
        {
            var process = _process;
            if (process == null) return;
            try
            {
                if (process.HasExited && !PipesOpen()) return;
                ProcessTreeKiller.Stop(process, _options.GracePeriod, PipeLinks(process));
            }
            // The command finished (and its Process was disposed) while the stop was on its way: nothing to stop.
            catch (InvalidOperationException) { }
        }

        private bool PipesOpen() => Volatile.Read(ref _pendingParts) > 0;

        /// <summary>The "pipe:[inode]" names of this command's stdout and stderr, to find processes still writing to them.</summary>
        private static ICollection<string> PipeLinks(Process process)
        {
            var links = new List<string>(2);
            if (!ProcFs.Available) return links;
            foreach (var s in new[] { process.StandardOutput.BaseStream, process.StandardError.BaseStream })
            {
                if (s is PipeStream pipe)
                {
                    try
                    {
                        var fd = pipe.SafePipeHandle.DangerousGetHandle().ToInt64();
                        var link = UnixNative.TryReadLink("/proc/self/fd/" + fd.ToString(CultureInfo.InvariantCulture));
                        if (link != null && link.StartsWith("pipe:", StringComparison.Ordinal)) links.Add(link);
                    }
                    catch (ObjectDisposedException) { }
                }
            }
            return links;
        }

        private void Finish()
        {
            _timer?.Dispose();
            var process = _process;
            int stop = Volatile.Read(ref _stopReason);
            if (process == null)
            {
                _result.Status = stop == StopCancel ? CommandStatus.Cancelled : CommandStatus.FailedToStart;
                _result.Reason = _startError;
            }
            else
            {
                int code;
                try { code = process.ExitCode; }
                catch (InvalidOperationException) { code = -1; }
                _result.ExitCode = code;
                if (stop == StopCancel)
                {
                    _result.Status = CommandStatus.Cancelled;
                    _result.Reason = "The run was stopped while the command ran; its process tree was stopped.";
                }
                else if (stop == StopTimeout)
                {
                    _result.Status = CommandStatus.TimedOut;
                    _result.Reason = $"Timed out after {_options.Timeout!.Value.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; its process tree was stopped.";
                }
                else if (code == 0)
                {
                    _result.Status = CommandStatus.Succeeded;
                    _result.Reason = null;
                }
                else
                {
                    _result.Status = CommandStatus.Failed;
                    _result.Reason = DescribeExit(code);
                }
                process.Dispose();
            }
            _process = null;

            var lines = _lines;
            if (lines != null)
            {
                _result.Lines = lines.ToLines();
                _result.OutputLineCount = lines.OutputLines;
                _result.ErrorLineCount = lines.ErrorLines;
                _result.CutLines = lines.CutLines;
                _result.OutputBytes += lines.OutputBytes;
                _result.ErrorBytes += lines.ErrorBytes;
            }
            _files?.Flush();

            bool retry = (_result.Status == CommandStatus.Failed || _result.Status == CommandStatus.TimedOut)
                         && _result.Attempts <= _options.Retries;
            if (retry)
            {
                Interlocked.Exchange(ref _stopReason, StopNone);
                Start();
                return;
            }
            _result.EndTime = DateTime.Now;
            _onFinished(this, _result);
        }

        private static string DescribeExit(int code)
        {
            int? signal = ExitSignal.Of(code);
            return signal.HasValue ? $"Exited with code {code} (killed by signal {signal}?)." : $"Exited with code {code}.";
        }
    }
}
