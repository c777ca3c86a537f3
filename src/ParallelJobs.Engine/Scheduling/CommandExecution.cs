using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ParallelJobs.Output;
using ParallelJobs.Processes;

namespace ParallelJobs.Scheduling
{
    /// <summary>
    /// One command in one slot: starts its process with stdin empty, reads stdout and stderr concurrently
    /// as bytes (to the slot files and to lines), enforces the time-out, stops the whole tree when asked,
    /// retries when allowed, and builds the result once the process has exited and both pipes are at end
    /// of file — or, when something it left in the background keeps a pipe open, once the drain period
    /// after its exit has passed.
    /// </summary>
    internal sealed class CommandExecution
    {
        private const int StopNone = 0, StopTimeout = 1, StopCancel = 2;
        private readonly int _index;
        private readonly int _slot;
        private readonly int _runSlot;
        private readonly CommandSpec _spec;
        private readonly RunOptions _options;
        private readonly SlotFiles? _files;
        private readonly Action<SlotOutputLine>? _lineObserver;
        private readonly Action<CommandExecution, CommandResult> _onFinished;
        private readonly Action<CommandExecution>? _onStarted;
        private readonly CommandTarget? _target;
        private readonly Action<CommandExecution, CommandResult, string>? _onHostFailure;
        private readonly CommandResult _result;
        // Starts that ended in a host failure: they do not use up -Retries.
        private int _hostFailures;
        private readonly long _outOffset;
        private readonly long _errOffset;
        private readonly object _leftoverGate = new object();
        private List<Attempt>? _leftovers;
        private Attempt? _attempt;
        // Set once the run stops this command; unlike an attempt's stop reason it outlives retries.
        private int _cancelRequested;
        // Why the run stopped it, when not a plain stop (a halt policy): the Cancelled result's reason.
        private string? _cancelReason;
        // Waiting for the retry delay: 0 no, 1 waiting, 2 the wait ended (the retry started, or the stop ended it).
        private int _retryWait;
        private Timer? _retryTimer;
        private CommandResult? _awaitingRetry;
        private string? _waitingFor;

        /// <param name="slot">
        /// The slot as the command and its result see it ({%}, PARALLELJOBS_SLOT, Slot): 0-based within the
        /// machine it runs on. <paramref name="runSlot"/> is the run's own number for it (the same on one machine).
        /// </param>
        /// <param name="target">Where it runs (a host's launcher, its name); null for this machine through the run's launcher.</param>
        /// <param name="onHostFailure">
        /// Called instead of finishing when the host failed rather than the command (see
        /// <see cref="ProcessExit.TransportFailure"/>): the run then starts it again elsewhere, passing the result
        /// on as <paramref name="carried"/> so attempts and host failures add up.
        /// </param>
        public CommandExecution(int index, int slot, CommandSpec spec, RunOptions options, SlotFiles? files,
            Action<SlotOutputLine>? lineObserver, Action<CommandExecution>? onStarted, Action<CommandExecution, CommandResult> onFinished,
            CommandTarget? target = null, Action<CommandExecution, CommandResult, string>? onHostFailure = null, CommandResult? carried = null, int? runSlot = null)
        {
            _runSlot = runSlot ?? slot;
            _result = carried ?? new CommandResult();
            _target = target;
            _onHostFailure = onHostFailure;
            _hostFailures = carried?.HostFailures.Length ?? 0;
            if (target != null)
            {
                _result.ComputerName = target.ComputerName;
                _result.JobLogHost = target.JobLogHost;
            }
            _index = index;
            _slot = slot;
            _spec = spec;
            _options = options;
            _files = files;
            _lineObserver = lineObserver;
            _onStarted = onStarted;
            _onFinished = onFinished;
            files?.BeginCommand();
            _outOffset = files?.OutPosition ?? 0;
            _errOffset = files?.ErrPosition ?? 0;
            _result.Index = index;
            _result.Slot = slot;
            _result.InputObject = spec.Input;
            _result.OutputPath = files?.OutPath;
            _result.ErrorPath = files?.ErrPath;
        }

        public int Index => _index;
        /// <summary>Its slot within the machine it runs on (what the result shows).</summary>
        public int Slot => _slot;
        /// <summary>The run's own number of its slot (across hosts: host 0's slots first).</summary>
        public int RunSlot => _runSlot;
        /// <summary>The slot files it writes to; null without an output directory.</summary>
        internal SlotFiles? Files => _files;
        public CommandSpec Spec => _spec;
        public int ProcessId => _result.ProcessId;
        public string Command => _result.Command;
        /// <summary>When its first attempt started; null before.</summary>
        public DateTime? StartTime => _result.StartTime;
        /// <summary>Where it runs: this machine's name, or the host's.</summary>
        public string ComputerName => _result.ComputerName;
        /// <summary>Starts so far, this one included (read when it has just started: the attempt that started).</summary>
        public int Attempts => _result.Attempts;
        /// <summary>Once started again after a failed attempt: why that attempt failed (its result's reason until this one ends).</summary>
        public string? RetryReason => _result.Attempts - _hostFailures > 1 ? _result.Reason : null;
        public long OutOffset => _outOffset;
        public long ErrOffset => _errOffset;

        /// <summary>True once a finished attempt left background processes holding its output (see <see cref="StopBackground"/>).</summary>
        public bool LeftBackgroundProcesses
        {
            get { lock (_leftoverGate) return _leftovers != null; }
        }

        public void Start()
        {
            var launch = _target != null ? _target.Resolve(_spec, _index, _slot) : _spec.Resolve(_index, _slot);
            _result.Command = launch.Display;
            _result.Attempts++;
            _result.StartTime ??= DateTime.Now;
            var attempt = new Attempt(this);
            Volatile.Write(ref _attempt, attempt);
            attempt.Start(launch);
        }

        /// <summary>What the command waits for before its next start (a retry delay), or null when it runs.</summary>
        public string? WaitingFor => Volatile.Read(ref _waitingFor);

        /// <summary>
        /// Stops the command's process tree because the run is stopped: the command ends as Cancelled, with
        /// <paramref name="reason"/> as its reason when given (else the plain one of a stopped run).
        /// </summary>
        public void Cancel(string? reason = null)
        {
            if (reason != null) Interlocked.CompareExchange(ref _cancelReason, reason, null);
            Interlocked.Exchange(ref _cancelRequested, 1);
            Volatile.Read(ref _attempt)?.RequestStop(StopCancel, _options.GracePeriod);
            EndRetryWait();
        }

        /// <summary>Kills the tree at once, on this thread: for process exit, where no grace period is left.</summary>
        public void KillNow()
        {
            Interlocked.Exchange(ref _cancelRequested, 1);
            Volatile.Read(ref _attempt)?.RequestStop(StopCancel, TimeSpan.Zero);
            StopBackground(TimeSpan.Zero);
            EndRetryWait();
        }

        /// <summary>
        /// How long before retry <paramref name="retry"/> (1 for the first): the retry delay, doubled for each
        /// retry after the first, at most five minutes (or the delay itself, if longer).
        /// </summary>
        internal static TimeSpan RetryDelay(TimeSpan delay, int retry)
        {
            if (delay <= TimeSpan.Zero) return TimeSpan.Zero;
            var cap = delay > TimeSpan.FromMinutes(5) ? delay : TimeSpan.FromMinutes(5);
            double ticks = delay.Ticks * Math.Pow(2, Math.Min(retry - 1, 30));
            return ticks >= cap.Ticks ? cap : TimeSpan.FromTicks((long)ticks);
        }

        /// <summary>Waits the retry delay in the slot, then starts again; a stop meanwhile ends it with its failed result.</summary>
        private void RetryAfter(TimeSpan delay, CommandResult failed)
        {
            _awaitingRetry = failed;
            Volatile.Write(ref _waitingFor, $"retry {failed.Attempts - _hostFailures} of {_options.Retries} in {delay.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s ({failed.Reason})");
            var timer = new Timer(_ =>
            {
                if (Interlocked.CompareExchange(ref _retryWait, 2, 1) != 1) return;
                Volatile.Read(ref _retryTimer)?.Dispose();
                Volatile.Write(ref _waitingFor, null);
                Start();
            }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            Volatile.Write(ref _retryTimer, timer);
            Volatile.Write(ref _retryWait, 1);
            timer.Change(delay, Timeout.InfiniteTimeSpan);
            if (Volatile.Read(ref _cancelRequested) != 0) EndRetryWait();
        }

        /// <summary>A stop during the retry delay: the command ends with the result of its last attempt.</summary>
        private void EndRetryWait()
        {
            if (Interlocked.CompareExchange(ref _retryWait, 2, 1) != 1) return;
            Volatile.Read(ref _retryTimer)?.Dispose();
            Volatile.Write(ref _waitingFor, null);
            var r = _awaitingRetry!;
            r.Reason += " Not retried: the run was stopped.";
            r.EndTime = DateTime.Now;
            _onFinished(this, r);
        }

        /// <summary>Stops what finished attempts left running in the background (the run is being stopped).</summary>
        public void StopBackground(TimeSpan grace)
        {
            List<Attempt>? leftovers;
            lock (_leftoverGate) leftovers = _leftovers == null ? null : new List<Attempt>(_leftovers);
            if (leftovers == null) return;
            foreach (var a in leftovers) a.StopLeftovers(grace);
        }

        private void AddLeftover(Attempt attempt)
        {
            lock (_leftoverGate) (_leftovers ??= new List<Attempt>()).Add(attempt);
        }

        /// <summary>One start of the command (there are more with retries): its process, output, timer and end.</summary>
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Its timers are disposed when the attempt completes, the only way an attempt ends.")]
        private sealed class Attempt
        {
            private readonly CommandExecution _x;
            private readonly LineCollector _lines;
            // One lock per stream: taken to write a chunk, and to close the output once the drain period
            // is over, after which a chunk still arriving is dropped instead of landing in the slot files
            // where the next command's bytes go.
            private readonly object _outGate = new object();
            private readonly object _errGate = new object();
            private bool _outputClosed;
            // Set when the drain period ended with the output still held open, before the output is abandoned.
            private volatile bool _outputLeftOpen;
            private ILaunchedProcess? _process;
            // Both timers are disposed when the attempt ends (Complete), the only way an attempt goes away.
            private Timer? _timer;
            private Timer? _drainTimer;
            private int _stopReason;
            private int _stopIssued;
            private int _stopAtExit;
            private ProcessExit _exit;
            // The process's end and the two pipes' end of file.
            private int _pending = 3;
            private int _completed;
            private string? _startError;
            private IReadOnlyList<int> _holders = Array.Empty<int>();

            public Attempt(CommandExecution execution)
            {
                _x = execution;
                var o = execution._options;
                _lines = new LineCollector(execution._index, execution._slot, execution._files != null, o.TailLines, o.MaxLineLength, execution._lineObserver, execution._result.ComputerName);
            }

            public void Start(LaunchInfo launch)
            {
                var x = _x;
                if (Volatile.Read(ref x._cancelRequested) != 0)
                {
                    // Stopped between getting its slot and starting: it never runs.
                    Interlocked.Exchange(ref _stopReason, StopCancel);
                    Complete();
                    return;
                }
                if (launch.Refused != null)
                {
                    _startError = launch.Refused;
                    Complete();
                    return;
                }
                var request = new ProcessStartRequest(launch.FileName, launch.Arguments)
                {
                    WindowsArguments = launch.WindowsArguments,
                    WorkingDirectory = x._target != null && x._target.Remote ? x._options.RemoteWorkingDirectory : x._options.WorkingDirectory,
                };
                foreach (var kv in x._options.Environment) request.Environment.Add(kv);
                request.Environment.Add(new KeyValuePair<string, string?>("PARALLELJOBS_SLOT", x._slot.ToString(CultureInfo.InvariantCulture)));
                request.Environment.Add(new KeyValuePair<string, string?>("PARALLELJOBS_INDEX", x._index.ToString(CultureInfo.InvariantCulture)));

                ILaunchedProcess process;
                try
                {
                    process = (x._target?.Launcher ?? x._options.Launcher).Start(request);
                }
                catch (ProcessStartException e)
                {
                    _startError = e.Message;
                    Complete();
                    return;
                }
                x._result.ProcessId = process.Id;
                // A full fence: a stop requested meanwhile either sees the process or is seen just below.
                Interlocked.Exchange(ref _process, process);

                if (x._options.Timeout.HasValue)
                    _timer = new Timer(_ => OnTimeout(), null, x._options.Timeout.Value, Timeout.InfiniteTimeSpan);
                x._onStarted?.Invoke(x);
                if (Volatile.Read(ref x._cancelRequested) != 0) RequestStop(StopCancel, x._options.GracePeriod);
                if (Volatile.Read(ref _stopReason) != StopNone) IssueStop(x._options.GracePeriod);

                StartPump(process.StandardOutput, StreamKind.Output, _outGate);
                StartPump(process.StandardError, StreamKind.Error, _errGate);
                process.Exited.ContinueWith(t => OnExited(t.Result), TaskContinuationOptions.ExecuteSynchronously);
            }

            private void OnTimeout()
            {
                // After the result, the timer is still there only for what the command left running.
                if (Volatile.Read(ref _completed) != 0) StopLeftovers(_x._options.GracePeriod);
                else RequestStop(StopTimeout, _x._options.GracePeriod);
            }

            /// <summary>
            /// Records why the module stops this attempt before any signal is sent, so a process that dies of
            /// that signal (or exits with 130 or 143 on receiving it) is reported as stopped, not as failed.
            /// </summary>
            public void RequestStop(int reason, TimeSpan grace)
            {
                Interlocked.CompareExchange(ref _stopReason, reason, StopNone);
                IssueStop(grace);
            }

            private void IssueStop(TimeSpan grace)
            {
                var process = Volatile.Read(ref _process);
                if (process == null || Volatile.Read(ref _completed) != 0) return;
                // A kill without grace (process exit) goes out even while a polite stop is under way.
                if (Interlocked.Exchange(ref _stopIssued, 1) != 0 && grace != TimeSpan.Zero) return;
                if (grace == TimeSpan.Zero) process.Stop(grace);
                else ThreadPool.QueueUserWorkItem(_ => process.Stop(grace));
            }

            /// <summary>Stops what this finished attempt left running (its time-out came, or the run is stopped).</summary>
            public void StopLeftovers(TimeSpan grace)
            {
                var process = Volatile.Read(ref _process);
                if (process == null) return;
                if (grace == TimeSpan.Zero) process.Stop(grace);
                else ThreadPool.QueueUserWorkItem(_ => process.Stop(grace));
            }

            /// <summary>
            /// Reads one of the process's pipes to its end. A stream opened for synchronous I/O (the pipes of
            /// System.Diagnostics.Process on Windows and .NET Framework: anonymous pipes have no overlapped I/O) would
            /// hold a thread-pool thread in every ReadAsync for as long as its command runs; with many commands
            /// running and the CPU busy the pool stops growing, and the commands' output stops arriving. Such a
            /// stream is read on a thread of its own.
            /// </summary>
            private void StartPump(Stream stream, StreamKind kind, object gate)
            {
                if (stream is FileStream { IsAsync: false })
                    _ = Task.Factory.StartNew(() => PumpAsync(stream, kind, gate, blocking: true), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                else
                    _ = PumpAsync(stream, kind, gate, blocking: false);
            }

            private async Task PumpAsync(Stream stream, StreamKind kind, object gate, bool blocking)
            {
                var buffer = new byte[16 * 1024];
                try
                {
                    while (true)
                    {
                        int n = blocking ? stream.Read(buffer, 0, buffer.Length) : await stream.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false);
                        if (n <= 0) break;
                        lock (gate)
                        {
                            // After the drain period: read on (so a writer never blocks on a full pipe) but keep nothing.
                            if (_outputClosed) continue;
                            _x._files?.Write(kind, buffer, n);
                            _lines.Append(kind, buffer, n);
                        }
                    }
                }
                catch (IOException) { }
                catch (ObjectDisposedException) { }
                lock (gate)
                {
                    if (!_outputClosed) _lines.Complete(kind);
                }
                stream.Dispose();
                PartDone();
            }

            private void OnExited(ProcessExit exit)
            {
                _exit = exit;
                Volatile.Write(ref _stopAtExit, Volatile.Read(ref _stopReason));
                if (Interlocked.Decrement(ref _pending) == 0)
                {
                    Complete();
                    return;
                }
                // The process has ended but its pipes are still open: something it started holds them.
                _drainTimer = new Timer(_ => OnDrainExpired(), null, _x._options.OutputDrainPeriod, Timeout.InfiniteTimeSpan);
                if (Volatile.Read(ref _completed) != 0) _drainTimer.Dispose();
            }

            private void PartDone()
            {
                if (Interlocked.Decrement(ref _pending) == 0) Complete();
            }

            /// <summary>
            /// The process exited a drain period ago and its output is still held open: the result is made
            /// now, naming the holders. The readers take what the pipes hold and stop, and the pipes are
            /// closed, so the holders get a broken pipe on their next write, as when a shell pipeline's
            /// reader is gone; the last reader to stop completes the result. Where reads cannot be
            /// interrupted (.NET's Process), the output is closed here and the result made at once.
            /// </summary>
            private void OnDrainExpired()
            {
                if (Volatile.Read(ref _completed) != 0) return;
                var process = _process!;
                try { _holders = process.OutputHolders(); }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
                // Before the readers are woken: whichever of them or this thread completes, it says so.
                _outputLeftOpen = true;
                if (process.AbandonOutput()) return;
                lock (_outGate)
                {
                    lock (_errGate)
                    {
                        _outputClosed = true;
                        _lines.Complete(StreamKind.Output);
                        _lines.Complete(StreamKind.Error);
                    }
                }
                Complete();
            }

            private void Complete()
            {
                if (Interlocked.Exchange(ref _completed, 1) != 0) return;
                _drainTimer?.Dispose();
                bool outputLeftOpen = _outputLeftOpen;
                var x = _x;
                var r = x._result;
                var process = _process;
                if (process == null)
                {
                    bool cancelled = Volatile.Read(ref _stopReason) == StopCancel;
                    r.Status = cancelled ? CommandStatus.Cancelled : CommandStatus.FailedToStart;
                    r.Reason = cancelled ? "The run was stopped before the command started." : _startError;
                    r.ExitCode = null;
                    r.Signal = null;
                }
                else
                {
                    Describe(r, _exit, Volatile.Read(ref _stopAtExit), x._options);
                }
                r.OutputLeftOpen = outputLeftOpen;
                r.BackgroundProcessIds = outputLeftOpen ? ToArray(_holders) : Array.Empty<int>();
                // A remote command's pid is known only once its host reported it; a job step's node, once it ended.
                if (process != null) r.ProcessId = process.Id;
                if (process is IPlacedProcess placed && placed.ComputerName != null)
                {
                    r.ComputerName = placed.ComputerName;
                    r.ClusterJobId = placed.ClusterJobId;
                }

                if (process != null && _exit.TransportFailure != null && Volatile.Read(ref _stopAtExit) == StopNone
                    && x._onHostFailure != null && Volatile.Read(ref x._cancelRequested) == 0)
                {
                    // The host failed, not the command: its output so far is dropped, and the run starts it again elsewhere.
                    var failures = new List<string>(r.HostFailures) { r.ComputerName + ": " + _exit.TransportFailure };
                    r.HostFailures = failures.ToArray();
                    x._hostFailures++;
                    x._files?.EndCommand();
                    _timer?.Dispose();
                    process.Dispose();
                    x._onHostFailure(x, r, _exit.TransportFailure);
                    return;
                }

                r.Lines = _lines.ToLines();
                r.OutputLineCount = _lines.OutputLines;
                r.ErrorLineCount = _lines.ErrorLines;
                r.CutLines = _lines.CutLines;
                r.OutputBytes += _lines.OutputBytes;
                r.ErrorBytes += _lines.ErrorBytes;
                if (x._files != null) r.OutputWriteError = x._files.EndCommand();

                if (outputLeftOpen)
                {
                    // What it left running is stopped like the command itself would have been: when the
                    // time-out comes (the timer stays), or when the run is stopped.
                    x.AddLeftover(this);
                    if (Volatile.Read(ref _stopReason) != StopNone) StopLeftovers(x._options.GracePeriod); // a stop came during the drain
                }
                else
                {
                    _timer?.Dispose();
                }
                process?.Dispose();

                if (r.Status == CommandStatus.Cancelled && x._cancelReason != null) r.Reason = x._cancelReason;
                bool retry = (r.Status == CommandStatus.Failed || r.Status == CommandStatus.TimedOut)
                             && r.Attempts - x._hostFailures <= x._options.Retries;
                var codes = x._options.RetryOnExitCodes;
                if (retry && codes.Count > 0 && !(r.Status == CommandStatus.Failed && r.Signal == null && r.ExitCode.HasValue && codes.Contains(r.ExitCode.Value)))
                {
                    // Only the chosen exit codes are worth another attempt (a time-out or a signal is not one of them).
                    retry = false;
                    r.Reason += " Not retried: only exit codes " + string.Join(", ", codes) + " are.";
                }
                if (retry && Volatile.Read(ref x._cancelRequested) == 0)
                {
                    var delay = RetryDelay(x._options.RetryDelay, r.Attempts - x._hostFailures);
                    if (delay > TimeSpan.Zero) x.RetryAfter(delay, r);
                    else x.Start();
                    return;
                }
                if (retry) r.Reason += " Not retried: the run was stopped.";
                r.EndTime = DateTime.Now;
                x._onFinished(x, r);
            }

            private static int[] ToArray(IReadOnlyList<int> list)
            {
                var a = new int[list.Count];
                for (int i = 0; i < a.Length; i++) a[i] = list[i];
                return a;
            }

            /// <summary>The status and reason: a stop the module asked for before the process ended decides; otherwise its exit does.</summary>
            private static void Describe(CommandResult r, ProcessExit exit, int stop, RunOptions options)
            {
                r.ExitCode = exit.ExitCode;
                r.Signal = exit.Signal;
                if (stop == StopCancel)
                {
                    r.Status = CommandStatus.Cancelled;
                    r.Reason = "The run was stopped while the command ran; its process tree was stopped.";
                }
                else if (stop == StopTimeout)
                {
                    r.Status = CommandStatus.TimedOut;
                    r.Reason = $"Timed out after {options.Timeout!.Value.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; its process tree was stopped.";
                }
                else if (exit.StartFailure != null)
                {
                    r.Status = CommandStatus.FailedToStart;
                    r.Reason = exit.StartFailure;
                }
                else if (exit.TransportFailure != null)
                {
                    r.Status = CommandStatus.HostUnavailable;
                    r.Reason = exit.TransportFailure;
                }
                else if (exit.ExitCode == 0 && exit.Signal == null)
                {
                    r.Status = CommandStatus.Succeeded;
                    r.Reason = null;
                }
                else
                {
                    r.Status = CommandStatus.Failed;
                    r.Reason = DescribeExit(exit);
                }
            }

            private static string DescribeExit(ProcessExit exit)
            {
                if (exit.Signal.HasValue) return $"Killed by signal {exit.Signal.Value}{SignalName(exit.Signal.Value)}.";
                if (!exit.ExitCode.HasValue) return "Its exit status could not be read (something else in this process collected it).";
                int code = exit.ExitCode.Value;
                if (!exit.Exact && code > 128 && code < 160)
                    return $"Exited with code {code} (killed by signal {code - 128}{SignalName(code - 128)}?).";
                return $"Exited with code {code}.";
            }

            /// <summary>The name of a signal whose number is the same on Linux and macOS.</summary>
            private static string SignalName(int signal)
            {
                switch (signal)
                {
                    case 1: return " (SIGHUP)";
                    case 2: return " (SIGINT)";
                    case 3: return " (SIGQUIT)";
                    case 4: return " (SIGILL)";
                    case 5: return " (SIGTRAP)";
                    case 6: return " (SIGABRT)";
                    case 8: return " (SIGFPE)";
                    case 9: return " (SIGKILL)";
                    case 11: return " (SIGSEGV)";
                    case 13: return " (SIGPIPE)";
                    case 14: return " (SIGALRM)";
                    case 15: return " (SIGTERM)";
                    default: return "";
                }
            }
        }
    }
}
