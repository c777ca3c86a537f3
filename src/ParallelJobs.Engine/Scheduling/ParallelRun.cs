using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
#if NET
using System.Runtime.InteropServices;
#endif
using System.Threading;
using System.Linq;
using ParallelJobs.Output;
using ParallelJobs.Processes;
using ParallelJobs.Remote;
using ParallelJobs.Runs;

namespace ParallelJobs.Scheduling
{
    /// <summary>
    /// A throttled run of commands in stable slots. Accepts work as it arrives (<see cref="Add"/>),
    /// starts each command in the lowest free slot, and hands back events (added, started, finished, warnings)
    /// through its <see cref="Events"/> channel for a single consumer to drain; the channel is drained once every
    /// command has its result. Every added command gets exactly one result, whatever happens to it.
    /// </summary>
    internal sealed partial class ParallelRun : IEngineRun<RunEvent>
    {
        private static readonly ConcurrentDictionary<ParallelRun, byte> LiveRuns = new ConcurrentDictionary<ParallelRun, byte>();

        private readonly RunOptions _options;
        private readonly object _gate = new object();
        private readonly List<CommandSpec?> _specs = new List<CommandSpec?>();
        private readonly Queue<int> _waiting = new Queue<int>();
        // Commands whose host failed, to start again (before the waiting ones) on another host.
        private readonly Queue<int> _requeued = new Queue<int>();
        private readonly Dictionary<int, Requeued> _carried = new Dictionary<int, Requeued>();
        // On hosts (RunOptions.Hosts): their shared ssh connections, slots, launchers, and the timer of re-checks.
        private readonly SshConnections? _ssh;
        private readonly HostPool? _pool;
        private CommandTarget[]? _targets;
        private Timer? _checkTimer;
        // Slots are made as they are first needed (slot k when slots 0..k-1 are all busy), never up front: the
        // throttle limit is a bound, and [int]::MaxValue must cost nothing per slot that is never used.
        private readonly List<bool> _slotBusy = new List<bool>();
        private readonly List<ParallelSlot> _slots = new List<ParallelSlot>();
        private readonly Dictionary<int, CommandExecution> _running = new Dictionary<int, CommandExecution>();
        // Finished commands that left background processes holding their output: stopped with the run.
        private readonly List<CommandExecution> _background = new List<CommandExecution>();
        private readonly ResultOrderGate _order;
        private readonly SlotFileSet? _slotFiles;
        private readonly JobLog? _jobLog;
        // With -Resume: the commands the job log records, taken one row per command as they are added.
        private readonly JobLogContents? _alreadyRun;
        private readonly ManualResetEventSlim _done = new ManualResetEventSlim(false);
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private bool _addingCompleted;
        private bool _cancelled;
        private int _finished;
        private int _delivered;
        private int _failed;
        private int _succeeded;
        // Set once the halt policy is met: why nothing new starts (and, for now, why the running were stopped).
        private string? _haltReason;
        // Start throttles (StartDelay, MemoryFree): when the last command started, why starting waits now, and
        // the timer that tries again.
        private DateTime _lastStart = DateTime.MinValue;
        private string? _startWait;
        private Timer? _startTimer;
        // Commands that ran and have their result, and their summed durations: the basis of the time-left estimate.
        private int _ranCount;
        private long _ranTicks;
        private int _completedSignalled;

#if NET
        // Kept for the life of the process: a registration that is collected stops watching its signal.
        private static readonly PosixSignalRegistration[] SessionEndSignals;
#endif

        static ParallelRun()
        {
            // Closing the session (or the process) must not leave commands running behind it.
            AppDomain.CurrentDomain.ProcessExit += (_, __) => KillEveryLiveRun();
#if NET
            SessionEndSignals = WatchSessionEndSignals();
#endif
        }

        /// <summary>
        /// Kills the process tree of every running command of every run in this process (no grace period: the
        /// process is ending), and ends the commands not yet started as Cancelled.
        /// </summary>
        internal static void KillEveryLiveRun()
        {
            foreach (var run in LiveRuns.Keys) run.Cancel(TimeSpan.Zero);
        }

#if NET
        /// <summary>
        /// SIGHUP (the terminal closed; on Windows, the console window) and SIGTERM (kill, systemd, a logout) end the
        /// process without the runtime's ProcessExit event, which would leave every command running. The handler
        /// kills the live runs' trees before it returns, and does not cancel the signal, so the default handling
        /// goes on and the process still ends.
        /// </summary>
        private static PosixSignalRegistration[] WatchSessionEndSignals()
        {
            var registrations = new List<PosixSignalRegistration>();
            foreach (var signal in new[] { PosixSignal.SIGHUP, PosixSignal.SIGTERM })
            {
                try { registrations.Add(PosixSignalRegistration.Create(signal, _ => KillEveryLiveRun())); }
                catch (PlatformNotSupportedException) { } // a platform without this signal: ProcessExit still covers a normal exit
            }
            return registrations.ToArray();
        }
#endif

        /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
        /// <exception cref="IOException">The output directory cannot be created or written.</exception>
        /// <exception cref="UnauthorizedAccessException">The output directory is not writable.</exception>
        /// <exception cref="HostsUnreachableException">Run on hosts, and none of them could be reached.</exception>
        public ParallelRun(RunOptions options)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            options.Validate();
            _order = new ResultOrderGate(options.KeepOrder);
            // Read the job log first (a bad log changes nothing); hold the output directory before any file of
            // this run is touched (if another run holds it, nothing is); open the log for writing last.
            JobLogContents? resumed = null;
            if (options.JobLogPath != null && options.Resume != ResumeMode.None)
            {
                resumed = JobLog.Read(options.JobLogPath, options.Resume == ResumeMode.ResumeFailed);
                _alreadyRun = resumed;
            }
            if (options.Hosts != null) (_ssh, _pool, _targets) = ConnectHosts(options);
            try
            {
                // A Slurm array run writes the same files from what its tasks wrote (CopyToSlotFiles): its slots are
                // the array task numbers on each node, so the files are named by node as a run over hosts names them.
                bool slurmArray = options.Slurm && options.EffectiveSlurmAllocation == null;
                if (options.OutputDirectory != null) _slotFiles = new SlotFileSet(options.OutputDirectory, Warn, options.SlotFilesNamedByHost || slurmArray);
                if (options.JobLogPath != null) _jobLog = OpenJobLog(options, resumed);
                if (options.EffectiveSlurmAllocation != null) _targets = AllocationSteps(options, options.EffectiveSlurmAllocation);
                else if (options.Slurm) StartSlurm();
            }
            catch
            {
                _jobLog?.Dispose();
                _slotFiles?.Dispose();
                _ssh?.Dispose(); // the hosts' shared connections were opened by the checks
                throw;
            }
            LiveRuns.TryAdd(this, 0);
        }

        private JobLog OpenJobLog(RunOptions options, JobLogContents? resumed)
        {
            long? keep = null;
            if (resumed?.IncompleteLine != null)
            {
                keep = resumed.CompleteLength;
                Post(new RunEvent($"Job log '{options.JobLogPath}' line {resumed.IncompleteLineNumber} is incomplete " +
                    $"('{MessageText.Shorten(SlotFileSet.EscapeField(resumed.IncompleteLine), 80)}'), as a run interrupted while writing it leaves: " +
                    "that line was ignored and removed from the log, so a command it recorded runs again."));
            }
            return new JobLog(options.JobLogPath!, append: options.Resume != ResumeMode.None, keep, Warn);
        }

        /// <summary>
        /// Checks every host at once (which opens its shared connection), sizes its slots, and makes the slots
        /// and launchers. Unreachable hosts are reported as warnings and checked again later; with none
        /// reachable, nothing starts.
        /// </summary>
        private (SshConnections, HostPool, CommandTarget[]) ConnectHosts(RunOptions options)
        {
            var ssh = new SshConnections(options.Ssh ?? new SshSettings());
            try
            {
                var hosts = options.Hosts!;
                var checks = ssh.CheckAll(hosts, options.HostCheckTimeout);
                if (!checks.Any(c => c.IsReachable)) throw new HostsUnreachableException(checks);
                var pool = new HostPool(checks.Select(c => new KeyValuePair<SshHost, int>(c.Host, SlotsOf(c, options))));
                var now = DateTime.UtcNow;
                var targets = new CommandTarget[pool.TotalSlots];
                foreach (var h in pool.Hosts)
                {
                    var check = checks[h.Index];
                    if (!check.IsReachable)
                    {
                        pool.MarkDown(h, check.Reason ?? "unreachable", now);
                        Post(new RunEvent($"Host '{h.Host.Entry}' cannot be reached and runs nothing for now (checked again in {HostPool.BackOff(1).TotalSeconds} s): {check.Reason}"));
                    }
                    else if (check.Shell != RemoteShell.Posix)
                    {
                        Post(RunEvent.Note(WindowsHostNote(h.Host, check.Shell)));
                    }
                    var target = h.Host.IsLocal
                        ? new CommandTarget(options.Launcher, false, Environment.MachineName, ":")
                        : new CommandTarget(new SshLauncher(ssh, h.Host, options.GracePeriod), true, h.Host.Name, h.Host.Name);
                    for (int s = h.FirstSlot; s < h.FirstSlot + h.Slots; s++)
                    {
                        targets[s] = target;
                        _slots.Add(new ParallelSlot { Slot = s - h.FirstSlot, State = SlotActivity.Idle, ComputerName = target.ComputerName });
                    }
                }
                return (ssh, pool, targets);
            }
            catch
            {
                ssh.Dispose();
                throw;
            }
        }

        /// <summary>What -Verbose says of a host found to be Windows (its default shell not a POSIX shell).</summary>
        private static string WindowsHostNote(SshHost host, RemoteShell shell) =>
            $"Host '{host.Entry}' is {SshConnections.ShellName(shell)}: its commands are cmd.exe command lines (quoted for cmd.exe, as on a Windows machine), run by the PowerShell wrapper.";

        /// <summary>The entry's slots, else for auto/ the host's processor count, else the throttle limit.</summary>
        private static int SlotsOf(SshHostCheck check, RunOptions options)
        {
            if (check.Host.Slots.HasValue) return check.Host.Slots.Value;
            if (check.Host.AutoSlots && check.Processors.HasValue) return check.Processors.Value;
            return options.ThrottleLimit;
        }

        /// <summary>A command whose host failed, waiting to start again elsewhere with its result so far.</summary>
        private sealed class Requeued
        {
            public Requeued(CommandSpec spec, CommandResult result, HostState failedOn)
            {
                Spec = spec;
                Result = result;
                FailedOn = failedOn;
            }

            public CommandSpec Spec { get; }
            public CommandResult Result { get; }
            public HostState FailedOn { get; }
        }

        public RunOptions Options => _options;

        /// <summary>Raised on reader threads for every line any command prints. Keep handlers short.</summary>
        public event Action<SlotOutputLine>? LineReceived;

        /// <summary>What the run reports, in order; drained once every command has its result.</summary>
        public RunEventChannel<RunEvent> Events { get; } = new RunEventChannel<RunEvent>();

        public bool IsCompleted => _done.IsSet;
        public WaitHandle CompletedWaitHandle => _done.WaitHandle;

        /// <summary>Queues a command and starts it at once if a slot is free. Returns its 0-based index.</summary>
        public int Add(CommandSpec spec)
        {
            if (spec == null) throw new ArgumentNullException(nameof(spec));
            int index;
            bool cancelled, skipped, noHost;
            string? halted;
            lock (_gate)
            {
                if (_addingCompleted) throw new InvalidOperationException("No command can be added after CompleteAdding.");
                index = _specs.Count;
                cancelled = _cancelled;
                halted = cancelled ? null : _haltReason;
                skipped = !cancelled && (halted != null || _alreadyRun != null && _alreadyRun.Count > 0 && RecordedAsRun(spec, index));
                noHost = !cancelled && !skipped && _pool != null && _pool.NoHostLeft;
                _specs.Add(cancelled || skipped || noHost ? null : spec);
                // Posted before the command can start (another thread's Dispatch may take it once it waits), so
                // a consumer always sees a command added before anything else about it.
                Post(new RunEvent(RunEventKind.CommandAdded, index, -1, 0, spec.DisplayText, null));
                if (!cancelled && !skipped && !noHost && _slurm == null) _waiting.Enqueue(index);
            }
            if (halted != null) Deliver(Unrun(index, spec.DisplayText, spec.Input, CommandStatus.Skipped, "Not run: " + halted + "."));
            else if (skipped) Deliver(Skipped(index, spec.DisplayText, spec.Input));
            else if (cancelled) Deliver(NeverStarted(index, spec.DisplayText, spec.Input));
            else if (noHost) Deliver(NoHostLeft(index, spec.DisplayText, spec.Input, null));
            else if (_slurm != null) AddToSlurm(index, spec);
            else Dispatch();
            return index;
        }

        /// <summary>
        /// True when the job log being resumed holds a row for this command's full text, which is then used up
        /// (under _gate). Keyed by what ran, not by position, so inputs added, removed or reordered since the log
        /// was written still resume the right commands; a command that uses {%} is matched with any slot
        /// number of this run (up to 1024), and one that uses {#} with its number in this run.
        /// </summary>
        private bool RecordedAsRun(CommandSpec spec, int index)
        {
            int slots = !spec.UsesSlot ? 1 : _slurm != null ? 1 : Math.Min(1024, _pool?.TotalSlots ?? _options.ThrottleLimit);
            for (int slot = 0; slot < slots; slot++)
            {
                // The command as this machine's shell and as a POSIX host's shell gets it (the same on Linux and macOS).
                var local = spec.Resolve(index, slot);
                if (_alreadyRun!.TryTake(_slurm != null ? PosixCommandLine(local) : local.Display)) return true;
                if (_pool != null && _alreadyRun.TryTake(spec.Resolve(index, slot, posix: true).Display)) return true;
                // And as a Windows host's cmd.exe gets it (quoted for cmd.exe).
                if (_pool != null && _alreadyRun.TryTake(CommandTarget.ResolveForWindowsHost(spec, index, slot).Display)) return true;
            }
            return false;
        }

        /// <summary>Says no more commands will come; the run completes when the last one ends.</summary>
        public void CompleteAdding()
        {
            lock (_gate) _addingCompleted = true;
            _slurm?.CompleteAdding();
            CheckHalt(); // a percentage counts against all the commands, known from now on
            CheckCompleted();
        }

        /// <summary>
        /// Stops the run: waiting commands end as Cancelled without starting, running ones have their
        /// process trees stopped (polite signal, the grace period, then kill) and end as Cancelled.
        /// </summary>
        public void Cancel() => Cancel(_options.GracePeriod);

        /// <summary>
        /// Stops one command (Stop-Job on one child job): a waiting one ends as Cancelled without starting,
        /// a running one has its process tree stopped and ends as Cancelled. False when it has already ended.
        /// </summary>
        public bool CancelCommand(int index)
        {
            if (_slurm != null) return CancelSlurmCommand(index);
            CommandExecution? running;
            CommandSpec? spec = null;
            Requeued? requeued = null;
            lock (_gate)
            {
                if (!_running.TryGetValue(index, out running) && _carried.TryGetValue(index, out requeued))
                {
                    _carried.Remove(index);
                    RemoveFrom(_requeued, index);
                }
                else if (running == null)
                {
                    if (!_waiting.Contains(index)) return false;
                    int count = _waiting.Count;
                    for (int n = 0; n < count; n++)
                    {
                        int i = _waiting.Dequeue();
                        if (i != index) _waiting.Enqueue(i);
                    }
                    spec = _specs[index];
                    _specs[index] = null;
                }
            }
            if (running != null) running.Cancel();
            else if (requeued != null) Deliver(Ended(requeued.Result, CommandStatus.Cancelled, "The run was stopped before the command could run again after a host failure."));
            else Deliver(NeverStarted(index, spec?.DisplayText ?? "", spec?.Input));
            return true;
        }

        private static void RemoveFrom(Queue<int> queue, int index)
        {
            int count = queue.Count;
            for (int n = 0; n < count; n++)
            {
                int i = queue.Dequeue();
                if (i != index) queue.Enqueue(i);
            }
        }

        private void Cancel(TimeSpan grace)
        {
            if (_slurm != null)
            {
                CancelSlurm(grace);
                return;
            }
            List<int> waiting;
            List<CommandExecution> running;
            List<CommandExecution> background;
            List<Requeued> requeued;
            lock (_gate)
            {
                if (_cancelled && grace > TimeSpan.Zero) return;
                _cancelled = true;
                waiting = new List<int>(_waiting);
                _waiting.Clear();
                running = new List<CommandExecution>(_running.Values);
                background = new List<CommandExecution>(_background);
                requeued = TakeRequeued();
            }
            foreach (var r in requeued)
                Deliver(Ended(r.Result, CommandStatus.Cancelled, "The run was stopped before the command could run again after a host failure."));
            foreach (int i in waiting)
            {
                CommandSpec? spec;
                lock (_gate) { spec = _specs[i]; _specs[i] = null; }
                Deliver(NeverStarted(i, spec?.DisplayText ?? "", spec?.Input));
            }
            if (grace == TimeSpan.Zero)
            {
                foreach (var e in running) e.KillNow();
            }
            else
            {
                foreach (var e in running) e.Cancel();
            }
            foreach (var e in background) e.StopBackground(grace);
            CheckCompleted();
        }

        /// <summary>Waits until every command has its result (after CompleteAdding).</summary>
        public bool WaitForCompletion(TimeSpan timeout) => _done.Wait(timeout);

        public RunProgress GetProgress()
        {
            lock (_gate)
            {
                int running = _slurm != null ? _slurmRunning.Count : _running.Count;
                var now = DateTime.Now;
                var elapsed = new List<TimeSpan>(running);
                if (_slurm == null) foreach (var e in _running.Values) elapsed.Add(e.StartTime.HasValue ? now - e.StartTime.Value : TimeSpan.Zero);
                else foreach (var s in _slurmRunning.Values) elapsed.Add(s.Since.HasValue ? now - s.Since.Value : TimeSpan.Zero);
                int waiting = Math.Max(0, _specs.Count - _finished - running);
                var left = RunProgress.FromDurations(_ranCount, TimeSpan.FromTicks(_ranTicks), elapsed, waiting, _pool?.TotalSlots ?? _options.ThrottleLimit);
                return new RunProgress("commands", _specs.Count, _finished, running, _failed, _addingCompleted, _clock.Elapsed, estimatedRemaining: left);
            }
        }

        /// <summary>
        /// The state now (copies; safe to keep) of each slot the run has used so far: slots 0 to n-1, where n is
        /// the most commands that have run at once. A slot never needed does not exist.
        /// </summary>
        public ParallelSlot[] GetSlots()
        {
            if (_slurm != null) return GetSlurmSlots();
            lock (_gate)
            {
                var copy = new ParallelSlot[_slots.Count];
                for (int i = 0; i < copy.Length; i++) copy[i] = SlotNow(i);
                return copy;
            }
        }

        /// <summary>
        /// One slot's state now (a copy): an Idle slot that has run nothing when the run has not needed it yet.
        /// Null when the slot is outside the throttle limit. On hosts, slot numbers are per host: this is the
        /// first host's slot (see <see cref="GetSlot(string, int)"/>).
        /// </summary>
        public ParallelSlot? GetSlot(int slot) => GetSlot(null, slot);

        /// <summary>
        /// Slot <paramref name="slot"/> (0-based within its machine) of the machine named
        /// <paramref name="computerName"/> (a result's ComputerName; null for this machine, or the first host):
        /// null when that machine is not one of the run's, or has fewer slots.
        /// </summary>
        public ParallelSlot? GetSlot(string? computerName, int slot)
        {
            if (_slurm != null)
            {
                // SlotHosts lists a Slurm run's slots as this machine's; a node's name picks the slot only while it runs there.
                var s = GetSlurmSlot(slot);
                return computerName == null || s == null || string.Equals(computerName, Environment.MachineName, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(s.ComputerName, computerName, StringComparison.OrdinalIgnoreCase) ? s : null;
            }
            if (slot < 0) return null;
            if (_pool != null)
            {
                var host = computerName == null ? _pool.Hosts[0] : _pool.Hosts.FirstOrDefault(h => string.Equals(_targets![h.FirstSlot].ComputerName, computerName, StringComparison.OrdinalIgnoreCase));
                if (host == null || slot >= host.Slots) return null;
                lock (_gate) return SlotNow(host.FirstSlot + slot);
            }
            if (computerName != null && !string.Equals(computerName, Environment.MachineName, StringComparison.OrdinalIgnoreCase)) return null;
            if (slot >= _options.ThrottleLimit) return null;
            lock (_gate)
            {
                return slot < _slots.Count ? SlotNow(slot) : new ParallelSlot { Slot = slot, State = SlotActivity.Idle };
            }
        }

        /// <summary>
        /// The machines the run's slots are on, in order, each with its slot count (numbered 0 to count - 1 on it):
        /// this machine with the throttle limit, or each host (-HostName) with its slots. A Slurm run's slots
        /// are its array tasks, listed as this machine's.
        /// </summary>
        public IReadOnlyList<KeyValuePair<string, int>> SlotHosts =>
            _pool == null
                ? new[] { new KeyValuePair<string, int>(Environment.MachineName, _options.ThrottleLimit) }
                : _pool.Hosts.Select(h => new KeyValuePair<string, int>(_targets![h.FirstSlot].ComputerName, h.Slots)).ToArray();

        /// <summary>
        /// True when the next start must wait: less than StartDelay since the last start, or less free memory than
        /// MemoryFree. Sets the reason the idle slots show and a timer that dispatches again. Under _gate.
        /// </summary>
        private bool StartMustWait()
        {
            var now = DateTime.UtcNow;
            TimeSpan? retryIn = null;
            string? why = null;
            if (_options.StartDelay > TimeSpan.Zero && _lastStart != DateTime.MinValue && now - _lastStart < _options.StartDelay)
            {
                retryIn = _options.StartDelay - (now - _lastStart);
                why = $"-DelaySeconds: the next start in {retryIn.Value.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s";
            }
            else if (_options.MemoryFree.HasValue)
            {
                long? free = _options.FreeMemoryProbe();
                if (free.HasValue && free.Value < _options.MemoryFree.Value)
                {
                    retryIn = TimeSpan.FromSeconds(1);
                    why = $"free memory {free.Value / (1024 * 1024)} MB is below -MemoryFree {_options.MemoryFree.Value / (1024 * 1024)} MB (checked every second)";
                }
            }
            if (why == null)
            {
                _startWait = null;
                _lastStart = now;
                return false;
            }
            _startWait = why;
            if (_startTimer == null) _startTimer = new Timer(_ => Dispatch(), null, retryIn!.Value, Timeout.InfiniteTimeSpan);
            else _startTimer.Change(retryIn!.Value, Timeout.InfiniteTimeSpan);
            return true;
        }

        /// <summary>A copy of a slot's record, Waiting while its command waits to be retried, or while starts wait. Under _gate.</summary>
        private ParallelSlot SlotNow(int slot)
        {
            var copy = _slots[slot].Clone();
            if (copy.State == SlotActivity.Idle && _startWait != null && (_waiting.Count > 0 || _requeued.Count > 0))
            {
                copy.State = SlotActivity.Waiting;
                copy.WaitReason = _startWait;
            }
            if (copy.State == SlotActivity.Busy && copy.Index.HasValue && _running.TryGetValue(copy.Index.Value, out var exec))
            {
                string? waiting = exec.WaitingFor;
                if (waiting != null)
                {
                    copy.State = SlotActivity.Waiting;
                    copy.WaitReason = waiting;
                }
            }
            return copy;
        }

        /// <summary>The lowest free slot, made if every existing one is busy; -1 when the throttle limit is reached. Under _gate.</summary>
        private int TakeFreeSlot(HostState? avoid)
        {
            if (_pool != null) return _pool.TryTake(out int taken, avoid) ? taken : -1;
            int slot = _slotBusy.IndexOf(false);
            if (slot < 0)
            {
                if (_slotBusy.Count >= _options.ThrottleLimit) return -1;
                slot = _slotBusy.Count;
                _slotBusy.Add(false);
                _slots.Add(new ParallelSlot { Slot = slot, State = SlotActivity.Idle });
            }
            _slotBusy[slot] = true;
            return slot;
        }

        private void Dispatch()
        {
            List<CommandExecution>? toStart = null;
            lock (_gate)
            {
                while (!_cancelled && _haltReason == null && (_requeued.Count > 0 || _waiting.Count > 0))
                {
                    bool again = _requeued.Count > 0;
                    int index = again ? _requeued.Peek() : _waiting.Peek();
                    var carried = again ? _carried[index] : null;
                    int slot = TakeFreeSlot(carried?.FailedOn);
                    if (slot < 0) break;
                    if (StartMustWait())
                    {
                        ReleaseSlot(slot); // the slot stays made, so Get-ParallelSlot shows it waiting
                        break;
                    }
                    if (again)
                    {
                        _requeued.Dequeue();
                        _carried.Remove(index);
                    }
                    else
                    {
                        _waiting.Dequeue();
                    }
                    var spec = carried?.Spec ?? _specs[index]!;
                    _specs[index] = null; // the execution holds it now; keep memory flat on long inputs
                    // Results, lines and the command see the slot's number on its machine; the run keeps its own.
                    int runSlot = slot;
                    int hostSlot = _pool?.LocalSlot(slot) ?? slot;
                    var target = _targets?[slot];
                    var exec = new CommandExecution(index, hostSlot, spec, _options, _slotFiles?.ForSlot(new SlotKey(target?.ComputerName ?? Environment.MachineName, hostSlot)),
                        line => OnLine(runSlot, line), OnStarted, OnFinished, target, _pool != null ? OnHostFailure : (Action<CommandExecution, CommandResult, string>?)null, carried?.Result, runSlot);
                    _running.Add(index, exec);
                    var s = _slots[slot];
                    s.State = SlotActivity.Busy;
                    s.Index = index;
                    s.Command = spec.DisplayText;
                    s.ProcessId = null;
                    s.Since = DateTime.Now;
                    (toStart ??= new List<CommandExecution>()).Add(exec);
                }
            }
            if (toStart == null) return;
            foreach (var exec in toStart) exec.Start();
        }

        private void OnLine(int runSlot, SlotOutputLine line)
        {
            lock (_gate) _slots[runSlot].LastLine = line.Line;
            LineReceived?.Invoke(line);
        }

        private void OnStarted(CommandExecution exec)
        {
            lock (_gate)
            {
                var s = _slots[exec.RunSlot];
                s.ProcessId = exec.ProcessId;
                s.Command = exec.Command;
            }
            string where = _pool != null ? " on " + exec.ComputerName : "";
            string? retry = exec.RetryReason;
            if (retry != null) where += ", attempt " + exec.Attempts.ToString(CultureInfo.InvariantCulture) + " of " + (_options.Retries + 1).ToString(CultureInfo.InvariantCulture) + " after: " + retry;
            Post(new RunEvent(RunEventKind.CommandStarted, exec.Index, exec.Slot, exec.ProcessId, exec.Command, null, where.Length > 0 ? where : null) { ComputerName = exec.ComputerName });
        }

        private void OnFinished(CommandExecution exec, CommandResult result)
        {
            _slotFiles?.Record(result, exec.Files, exec.OutOffset, exec.ErrOffset);
            _jobLog?.Record(result);
            string? halt;
            lock (_gate)
            {
                _running.Remove(exec.Index);
                if (exec.LeftBackgroundProcesses) _background.Add(exec);
                var s = FreeSlot(exec.RunSlot);
                if (result.Succeeded) s.Completed++;
                else if (result.Status != CommandStatus.Cancelled) s.Failed++;
                // Counted, and the halt policy decided, under the same lock that frees the slot: a Dispatch from
                // another thread (input still arriving) must not start the next command in between.
                halt = Count(result);
            }
            Publish(result, halt);
            Dispatch();
        }

        /// <summary>The slot runs nothing from now (under the gate); its record, for the caller's counts.</summary>
        private ParallelSlot FreeSlot(int slot)
        {
            ReleaseSlot(slot);
            var s = _slots[slot];
            s.State = SlotActivity.Idle;
            s.Index = null;
            s.Command = null;
            s.ProcessId = null;
            s.Since = DateTime.Now;
            return s;
        }

        private void ReleaseSlot(int slot)
        {
            if (_pool != null) _pool.Release(slot);
            else _slotBusy[slot] = false;
        }

        /// <summary>
        /// Host failures one command may meet before it is not run again: a command that kills its remote wrapper or
        /// session ends like a host failure every time, on hosts that still answer their checks, and would
        /// otherwise run again without end.
        /// </summary>
        internal const int MaxHostFailuresPerCommand = 5;

        /// <summary>
        /// A command's host failed (not the command): the host is marked down and checked again after a back-off,
        /// and the command goes back to the front of the queue to start on another host. With no host left, it
        /// and every waiting command end as HostUnavailable; so does a command that has met
        /// <see cref="MaxHostFailuresPerCommand"/> host failures.
        /// </summary>
        private void OnHostFailure(CommandExecution exec, CommandResult result, string reason)
        {
            List<CommandResult>? unavailable = null;
            Requeued? cancelled = null;
            CommandResult? exhausted = null;
            lock (_gate)
            {
                _running.Remove(exec.Index);
                var host = _pool!.HostOfSlot(exec.RunSlot);
                FreeSlot(exec.RunSlot);
                var requeued = new Requeued(exec.Spec, result, host);
                if (host.IsUp)
                {
                    _pool.MarkDown(host, reason, DateTime.UtcNow);
                    Post(new RunEvent($"Host '{host.Host.Entry}' failed and runs nothing for now (its commands go to other hosts; checked again in " +
                        $"{HostPool.BackOff(host.ConsecutiveFailures).TotalSeconds} s): {reason}"));
                }
                if (_cancelled)
                {
                    cancelled = requeued;
                }
                else
                {
                    if (result.HostFailures.Length >= MaxHostFailuresPerCommand) exhausted = result;
                    else
                    {
                        _carried[exec.Index] = requeued;
                        _requeued.Enqueue(exec.Index);
                    }
                    if (_pool.NoHostLeft) unavailable = TakeEverythingWaiting();
                    else ScheduleCheck();
                }
            }
            if (cancelled != null) Deliver(Ended(cancelled.Result, CommandStatus.Cancelled, "The run was stopped before the command could run again after a host failure."));
            if (exhausted != null)
                Deliver(Ended(exhausted, CommandStatus.HostUnavailable, $"Not run again: it ended like a host failure {MaxHostFailuresPerCommand} times (HostFailures lists them). " +
                    "A command that kills its remote wrapper or session does this, and so do hosts that keep dropping connections."));
            if (unavailable != null) foreach (var r in unavailable) Deliver(r);
            Dispatch();
        }

        /// <summary>Sets the re-check timer for the earliest due host. Under _gate.</summary>
        private void ScheduleCheck()
        {
            var next = _pool!.NextCheck;
            if (!next.HasValue) return;
            var due = next.Value - DateTime.UtcNow;
            if (due < TimeSpan.Zero) due = TimeSpan.Zero;
            if (_checkTimer == null) _checkTimer = new Timer(_ => CheckDownHosts(), null, due, Timeout.InfiniteTimeSpan);
            else _checkTimer.Change(due, Timeout.InfiniteTimeSpan);
        }

        /// <summary>Checks the down hosts whose back-off has passed; those that answer take commands again.</summary>
        private void CheckDownHosts()
        {
            List<HostState> due;
            lock (_gate)
            {
                if (_done.IsSet || _cancelled) return;
                due = _pool!.DueForCheck(DateTime.UtcNow).ToList();
                foreach (var h in due) _pool.BeginCheck(h);
                if (due.Count == 0) ScheduleCheck();
            }
            if (due.Count == 0) return;
            var checks = _ssh!.CheckAll(due.Select(h => h.Host).ToList(), _options.HostCheckTimeout);
            List<CommandResult>? unavailable = null;
            lock (_gate)
            {
                var now = DateTime.UtcNow;
                for (int i = 0; i < due.Count; i++)
                {
                    if (checks[i].IsReachable)
                    {
                        _pool!.MarkUp(due[i]);
                        Post(new RunEvent($"Host '{due[i].Host.Entry}' answers again and takes commands."));
                        if (checks[i].Shell != RemoteShell.Posix) Post(RunEvent.Note(WindowsHostNote(due[i].Host, checks[i].Shell)));
                    }
                    else
                    {
                        _pool!.MarkDown(due[i], checks[i].Reason ?? "unreachable", now);
                    }
                }
                if (_pool!.NoHostLeft) unavailable = TakeEverythingWaiting();
                else ScheduleCheck();
            }
            if (unavailable != null) foreach (var r in unavailable) Deliver(r);
            Dispatch();
        }

        /// <summary>Every command still waiting (or waiting to run again), ended as HostUnavailable. Under _gate.</summary>
        private List<CommandResult> TakeEverythingWaiting()
        {
            var results = new List<CommandResult>();
            foreach (var r in TakeRequeued()) results.Add(NoHostLeft(r.Result.Index, r.Result.Command, r.Result.InputObject, r.Result));
            foreach (int i in _waiting)
            {
                var spec = _specs[i];
                _specs[i] = null;
                results.Add(NoHostLeft(i, spec?.DisplayText ?? "", spec?.Input, null));
            }
            _waiting.Clear();
            return results;
        }

        /// <summary>The commands waiting to run again after a host failure, taken out of the queue. Under _gate.</summary>
        private List<Requeued> TakeRequeued()
        {
            var list = new List<Requeued>();
            while (_requeued.Count > 0)
            {
                int i = _requeued.Dequeue();
                list.Add(_carried[i]);
                _carried.Remove(i);
            }
            return list;
        }

        private CommandResult NoHostLeft(int index, string command, string? input, CommandResult? carried)
        {
            string reason = "No host is left to run it: " + _pool!.Summary();
            return carried != null ? Ended(carried, CommandStatus.HostUnavailable, reason) : Unrun(index, command, input, CommandStatus.HostUnavailable, reason);
        }

        /// <summary>A command that ran before (its host failed) and will not run again: its result so far, ended.</summary>
        private static CommandResult Ended(CommandResult result, CommandStatus status, string reason)
        {
            result.Status = status;
            result.Reason = reason;
            result.Slot = -1;
            result.ExitCode = null;
            result.Signal = null;
            result.Lines = Array.Empty<SlotOutputLine>();
            result.EndTime = DateTime.Now;
            return result;
        }

        private CommandResult Skipped(int index, string command, string? input) =>
            Unrun(index, command, input, CommandStatus.Skipped, _options.Resume == ResumeMode.ResumeFailed
                ? $"Not run: job log '{_options.JobLogPath}' records this command as succeeded."
                : $"Not run: job log '{_options.JobLogPath}' records this command as run.");

        private static CommandResult NeverStarted(int index, string command, string? input) =>
            Unrun(index, command, input, CommandStatus.Cancelled, "The run was stopped before the command started.");

        /// <summary>The one result of a command that never got a slot.</summary>
        private static CommandResult Unrun(int index, string command, string? input, CommandStatus status, string reason) => new CommandResult
        {
            Index = index,
            Command = command,
            InputObject = input,
            Slot = -1,
            Status = status,
            Reason = reason,
        };

        private void Deliver(CommandResult result)
        {
            string? halt;
            lock (_gate) halt = Count(result);
            Publish(result, halt);
        }

        /// <summary>
        /// Counts a result (under _gate) and returns the halt policy's reason when this result meets it: from then
        /// on nothing starts (Dispatch checks _haltReason), and the caller applies it after leaving the lock.
        /// </summary>
        private string? Count(CommandResult result)
        {
            _finished++;
            if (result.StartTime.HasValue && result.EndTime.HasValue)
            {
                _ranCount++;
                _ranTicks += result.Duration.Ticks;
            }
            bool counts = result.Status != CommandStatus.Cancelled && result.Status != CommandStatus.Skipped;
            if (!result.Succeeded && counts) _failed++;
            if (result.Succeeded) _succeeded++;
            return counts ? DecideHalt() : null;
        }

        /// <summary>Hands a counted result on in order; then applies the halt it met, if any.</summary>
        private void Publish(CommandResult result, string? halt)
        {
            _order.Release(result, r =>
            {
                Post(new RunEvent(RunEventKind.CommandFinished, r.Index, r.Slot, r.ProcessId, r.Command, r));
                Interlocked.Increment(ref _delivered);
            });
            if (halt != null) ApplyHalt(halt);
            CheckCompleted();
        }

        /// <summary>
        /// Applies the halt policy (RunOptions.Halt) once it is met: the commands waiting to start end as Skipped,
        /// commands added later too, and with now the running ones are stopped and end as Cancelled; a warning
        /// says why. Each reason names the policy and the count that met it.
        /// </summary>
        private void CheckHalt()
        {
            string? halt;
            lock (_gate) halt = DecideHalt();
            if (halt != null) ApplyHalt(halt);
        }

        /// <summary>Under _gate: the policy's reason when it is met now for the first time (then set as _haltReason), else null.</summary>
        private string? DecideHalt()
        {
            var policy = _options.Halt;
            if (policy == null || _haltReason != null || _cancelled) return null;
            var met = policy.Check(_failed, _succeeded, _failed + _succeeded, _addingCompleted ? _specs.Count : (int?)null);
            if (met != null) _haltReason = met;
            return met;
        }

        /// <summary>Ends the waiting commands as Skipped (and with now, stops the running ones) for a halt just decided.</summary>
        private void ApplyHalt(string reason)
        {
            var policy = _options.Halt!;
            List<int> waiting;
            List<Requeued> requeued;
            List<CommandExecution>? running = null;
            lock (_gate)
            {
                waiting = new List<int>(_waiting);
                _waiting.Clear();
                requeued = TakeRequeued();
                if (policy.Now) running = new List<CommandExecution>(_running.Values);
            }
            Post(new RunEvent($"Halting: {reason}. " + (policy.Now
                ? "The running commands are stopped (Cancelled) and the rest are not started (Skipped)."
                : "Nothing new starts (the rest are Skipped); the running commands finish.")));
            foreach (var r in requeued) Deliver(Ended(r.Result, CommandStatus.Skipped, "Not run again after a host failure: " + reason + "."));
            foreach (int i in waiting)
            {
                CommandSpec? spec;
                lock (_gate) { spec = _specs[i]; _specs[i] = null; }
                Deliver(Unrun(i, spec?.DisplayText ?? "", spec?.Input, CommandStatus.Skipped, "Not run: " + reason + "."));
            }
            if (running != null) foreach (var e in running) e.Cancel("Stopped while it ran: " + reason + "; its process tree was stopped.");
        }

        private void CheckCompleted()
        {
            lock (_gate)
            {
                // Counted after posting, so the channel can never complete before a result is in it.
                if (!_addingCompleted || Volatile.Read(ref _delivered) < _specs.Count) return;
            }
            if (Interlocked.Exchange(ref _completedSignalled, 1) != 0) return;
            lock (_gate) _startTimer?.Dispose();
            CloseHosts();
            Events.Complete();
            _slotFiles?.Dispose();
            _jobLog?.Dispose();
            LiveRuns.TryRemove(this, out _);
            _done.Set();
        }

        private void Warn(string message) => Post(new RunEvent(message));

        // After completion a late started-event of a cancelled command is dropped by the channel.
        private void Post(RunEvent e) => Events.Post(e);

        /// <summary>
        /// Cancels what still runs and waits for it: the grace period and a margin for the polite stop, then what
        /// is still running is killed at once, on this thread, and its results are waited for as long again. A
        /// polite stop can arrive late (it runs on the thread pool, which a busy machine or many commands' output
        /// readers can keep waiting); the owner going away (Ctrl+C, Remove-Job) must not leave commands behind.
        /// </summary>
        public void Dispose()
        {
            if (!_done.IsSet)
            {
                lock (_gate) _addingCompleted = true;
                Cancel();
                // A Slurm stop waits until Slurm lists none of the run's tasks (at most a minute).
                if (!_done.Wait(_slurm != null ? TimeSpan.FromSeconds(90) : _options.GracePeriod + _options.StopMargin))
                {
                    Cancel(TimeSpan.Zero);
                    _done.Wait(_options.StopMargin);
                }
            }
            // A run that still has not ended stays known to the process-exit handler, which kills it at exit.
            if (_done.IsSet) LiveRuns.TryRemove(this, out _);
            _slotFiles?.Dispose();
            _jobLog?.Dispose();
            CloseHosts();
            RemoveStepDirectory();
        }

        /// <summary>Stops re-checking hosts and closes their shared connections (the run has ended).</summary>
        private void CloseHosts()
        {
            if (_ssh == null) return;
            lock (_gate) _checkTimer?.Dispose();
            _ssh.Dispose();
        }
    }
}
