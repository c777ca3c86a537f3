using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using ParallelJobs.Output;

namespace ParallelJobs.Slurm
{
    /// <summary>
    /// Runs command lines as Slurm array tasks and collects one result per command. Commands are added as
    /// they arrive and submitted in batches (one array per batch, each array chained after the previous one
    /// with afterany, and throttled with %ThrottleLimit, so at most ThrottleLimit tasks run at any moment of
    /// the run). Tasks take commands from the shared run directory and write a result record for each
    /// (<see cref="SlurmTaskScript"/>); this class reads those records back, and asks Slurm (squeue, then
    /// sacct -c or scontrol show job) only about tasks that ended without writing one.
    /// </summary>
    /// <remarks>
    /// One watcher thread does everything that talks to Slurm or reads the run directory, so there is no
    /// race between submitting, watching and stopping. Slurm calls: one sbatch per batch (at least
    /// MinSubmitInterval apart), one squeue per SlurmPollInterval while tasks exist, one sacct -c (plus one
    /// scontrol per array when sacct cannot tell) per poll that finds tasks gone without their records, one
    /// scancel for leftover pending tasks at the end, and scancel plus about one squeue a second on stop.
    /// </remarks>
    internal sealed class SlurmRun : IDisposable
    {
        private readonly SlurmRunOptions _options;
        private readonly SlurmClient _client;
        private readonly SlurmRunDirectory _dir;
        private readonly string _jobName;
        private readonly object _gate = new object();
        private readonly List<Command> _commands = new List<Command>();
        private readonly List<string> _toSubmit = new List<string>();
        private readonly Dictionary<string, Item> _items = new Dictionary<string, Item>(StringComparer.Ordinal);
        private readonly List<SlurmArray> _arrays = new List<SlurmArray>();
        private readonly List<int> _commandsToCancel = new List<int>();
        // Tasks seen requeued (their own job ids): pending again, they would start only after Slurm's requeue delay.
        private readonly HashSet<string> _requeuedTasks = new HashSet<string>(StringComparer.Ordinal);
        private readonly BlockingCollection<SlurmRunEvent> _events = new BlockingCollection<SlurmRunEvent>();
        private readonly AutoResetEvent _wake = new AutoResetEvent(false);
        private readonly ManualResetEventSlim _done = new ManualResetEventSlim(false);
        private readonly Thread _watcher;
        private DateTime? _firstWaitingSince;
        private DateTime _lastSubmit = DateTime.MinValue;
        private DateTime _lastSlurmPoll = DateTime.MinValue;
        private int _claimsAtLastSubmit;
        private bool _addingCompleted;
        private bool _completeMarked;
        private bool _cancelRequested;
        private int _delivered;
        private string? _lastProblem;

        public SlurmRun(SlurmRunOptions options, SlurmClient? client = null)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            options.Validate();
            _client = client ?? new SlurmClient(new Dictionary<string, string?>(options.ClientEnvironment));
            _dir = new SlurmRunDirectory(options.RunDirectory);
            _jobName = options.JobName ?? "pj-" + Guid.NewGuid().ToString("N").Substring(0, 12);
            _watcher = new Thread(Watch) { IsBackground = true, Name = "ParallelJobs Slurm watcher" };
            _watcher.Start();
        }

        public SlurmRunDirectory Directory => _dir;
        public string JobName => _jobName;
        /// <summary>Slurm client commands run so far.</summary>
        public int SlurmCalls => _client.Calls;
        /// <summary>The array job ids submitted so far.</summary>
        public IReadOnlyList<string> ArrayJobIds { get { lock (_gate) return _arrays.Select(a => a.JobId).ToList(); } }
        /// <summary>The latest Slurm error the watcher met and carried on after (a failed squeue, say); null if none.</summary>
        public string? LastProblem => Volatile.Read(ref _lastProblem);
        public bool IsCompleted => _done.IsSet;
        public WaitHandle CompletedWaitHandle => _done.WaitHandle;

        /// <summary>Adds a shell command line; it is submitted with the next batch. Returns its 0-based index.</summary>
        public int Add(string commandLine, string? input = null)
        {
            if (commandLine == null) throw new ArgumentNullException(nameof(commandLine));
            if (commandLine.Trim().Length == 0) throw new ArgumentException("The command is empty.", nameof(commandLine));
            int index;
            bool cancelled;
            lock (_gate)
            {
                if (_addingCompleted) throw new InvalidOperationException("No command can be added after CompleteAdding.");
                index = _commands.Count;
                _commands.Add(new Command(index, commandLine, input));
                cancelled = _cancelRequested;
            }
            if (cancelled)
            {
                Deliver(Unrun(index, CommandStatus.Cancelled, "The run was stopped before the command was submitted."), null, null);
                return index;
            }
            _dir.WriteCommand(index, commandLine);
            lock (_gate)
            {
                string item = SlurmRunDirectory.Item(index, 1);
                _items[item] = new Item(item, index, 1);
                _toSubmit.Add(item);
                _firstWaitingSince ??= DateTime.UtcNow;
            }
            _wake.Set();
            return index;
        }

        /// <summary>No more commands will come: the last batch goes out now, and idle tasks end.</summary>
        public void CompleteAdding()
        {
            lock (_gate) _addingCompleted = true;
            _wake.Set();
        }

        /// <summary>Stops the run: scancel for every array, then every command without a result ends as Cancelled.</summary>
        public void Cancel()
        {
            lock (_gate) _cancelRequested = true;
            _wake.Set();
        }

        /// <summary>
        /// Runs scancel for every array now, on the calling thread (the process is ending and will not wait for
        /// the watcher). Cancel still does the rest.
        /// </summary>
        public void CancelNow()
        {
            try { _client.Cancel(ActiveArrayIds()); }
            catch (SlurmException e) { Volatile.Write(ref _lastProblem, e.Message); }
        }

        /// <summary>
        /// Stops one command and leaves the rest of the run going (Stop-Job on one child job). A command not yet
        /// submitted, or that no task has taken, never starts; a running one is stopped by its task (SIGTERM to
        /// its process group, SIGKILL after the grace period), which then goes on with other commands. The
        /// result says Cancelled. False when the command already has its result or the run is stopping.
        /// </summary>
        public bool CancelCommand(int index)
        {
            lock (_gate)
            {
                if (_cancelRequested || index < 0 || index >= _commands.Count) return false;
                if (!_items.Values.Any(i => i.Index == index && !i.Done)) return false;
                _commandsToCancel.Add(index);
            }
            _wake.Set();
            return true;
        }

        public bool WaitForCompletion(TimeSpan timeout) => _done.Wait(timeout);

        /// <summary>The next event (a command started or finished, or the run completed); false when none came in time.</summary>
        public bool TryTake(out SlurmRunEvent? runEvent, int millisecondsTimeout)
        {
            try
            {
                if (_events.TryTake(out var e, millisecondsTimeout))
                {
                    runEvent = e;
                    return true;
                }
            }
            catch (ObjectDisposedException) { }
            catch (InvalidOperationException) { }
            runEvent = null;
            return false;
        }

        private void Watch()
        {
            try
            {
                while (true)
                {
                    _wake.WaitOne(_options.FilePollInterval);
                    bool cancel, finished;
                    lock (_gate) cancel = _cancelRequested;
                    if (cancel)
                    {
                        Stop();
                        break;
                    }
                    CancelCommands();
                    SubmitIfDue();
                    MarkCompleteIfDue();
                    ReadRecords();
                    if (DateTime.UtcNow - _lastSlurmPoll >= _options.SlurmPollInterval) PollSlurm();
                    lock (_gate) finished = _addingCompleted && _delivered == _commands.Count;
                    if (finished)
                    {
                        CancelLeftoverTasks();
                        break;
                    }
                }
            }
            catch (Exception e)
            {
                // Never leave the consumer waiting: whatever broke, every command still gets its one result.
                Volatile.Write(ref _lastProblem, "The Slurm watcher stopped: " + e.Message);
                try { _client.Cancel(ActiveArrayIds()); } catch (SlurmException) { }
                FailRemaining(CommandStatus.Failed, "The Slurm watcher stopped: " + e.Message);
            }
            Complete();
        }

        /// <summary>Stop-Job on single commands: each is kept from starting, or its task is asked to stop it.</summary>
        private void CancelCommands()
        {
            List<int> indexes;
            lock (_gate)
            {
                if (_commandsToCancel.Count == 0) return;
                indexes = new List<int>(_commandsToCancel);
                _commandsToCancel.Clear();
            }
            foreach (int index in indexes)
            {
                Item? item;
                bool unsubmitted;
                lock (_gate)
                {
                    item = _items.Values.Where(i => i.Index == index && !i.Done).OrderByDescending(i => i.Attempt).FirstOrDefault();
                    if (item == null) continue;
                    item.CancelRequested = true;
                    unsubmitted = _toSubmit.Remove(item.Name);
                }
                if (unsubmitted)
                    FailItem(item.Name, CommandStatus.Cancelled, "Stopped (Stop-Job on the command) before it was submitted to Slurm.");
                else if (_dir.TryClaim(item.Name))
                    FailItem(item.Name, CommandStatus.Cancelled, "Stopped (Stop-Job on the command) before a Slurm task took it.");
                else
                    // A task has it: the task does not start it, or stops it; its result record says so.
                    _dir.WriteCancel(item.Name);
            }
        }

        private void SubmitIfDue()
        {
            List<string>? items = null;
            string? after = null;
            lock (_gate)
            {
                if (_toSubmit.Count == 0) return;
                var now = DateTime.UtcNow;
                bool firstSubmission = _arrays.Count == 0;
                bool gathered = _addingCompleted || _toSubmit.Count >= _options.MaxArrayTasks
                                || now - _firstWaitingSince!.Value >= _options.BatchDelay;
                bool spaced = firstSubmission || now - _lastSubmit >= _options.MinSubmitInterval;
                if (!gathered || !spaced) return;
                int take = Math.Min(_toSubmit.Count, _options.MaxArrayTasks);
                items = _toSubmit.GetRange(0, take);
                _toSubmit.RemoveRange(0, take);
                _firstWaitingSince = _toSubmit.Count > 0 ? now : (DateTime?)null;
                var last = _arrays.LastOrDefault();
                if (last != null && !last.Ended) after = last.JobId;
            }
            MarkCompleteIfDue();
            int batch = _dir.WriteBatch(items);
            Submit(items, items.Count, after, "batch " + batch.ToString(CultureInfo.InvariantCulture));
        }

        /// <summary>
        /// Once no more input can come, the run directory says so (written before the last batch's tasks can
        /// start), so idle tasks end at once instead of lingering for input.
        /// </summary>
        private void MarkCompleteIfDue()
        {
            if (_completeMarked) return;
            lock (_gate)
            {
                if (!_addingCompleted || _toSubmit.Count > 0) return;
            }
            _dir.MarkComplete();
            _completeMarked = true;
        }

        /// <summary>One array of <paramref name="tasks"/> tasks; they take any free item of any batch written so far.</summary>
        private void Submit(IReadOnlyCollection<string> items, int tasks, string? after, string what)
        {
            var args = new List<string>
            {
                "--job-name=" + _jobName,
                "--array=0-" + (tasks - 1).ToString(CultureInfo.InvariantCulture) + "%" + _options.ThrottleLimit.ToString(CultureInfo.InvariantCulture),
                "--output=" + _dir.SlurmLogPattern,
                "--open-mode=append",
            };
            if (_options.WorkingDirectory != null) args.Add("--chdir=" + _options.WorkingDirectory);
            var scriptArgs = new[]
            {
                _dir.Path,
                _options.EffectiveBudgetSeconds.ToString(CultureInfo.InvariantCulture),
                _options.EffectiveLingerSeconds.ToString(CultureInfo.InvariantCulture),
                ((int)Math.Ceiling(_options.GracePeriod.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
            };
            // Counted before the array exists, so its own first claims count as its progress.
            int claimsBefore = _dir.ListClaims().Count();
            string jobId;
            try
            {
                var chained = new List<string>(args);
                // The previous array must end first, so both never run more than ThrottleLimit tasks together.
                if (after != null) chained.Add("--dependency=afterany:" + after);
                chained.AddRange(_options.SlurmOptions);
                try { jobId = _client.Submit(chained, _dir.ScriptPath, scriptArgs); }
                catch (SlurmException e) when (after != null && e.Message.IndexOf("dependency", StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    // The previous array ended and Slurm has forgotten it: nothing to wait for.
                    args.AddRange(_options.SlurmOptions);
                    jobId = _client.Submit(args, _dir.ScriptPath, scriptArgs);
                }
            }
            catch (SlurmException e)
            {
                lock (_gate) _lastSubmit = DateTime.UtcNow;
                // sbatch refused (a bad option, an unknown partition, ...): these commands cannot run.
                foreach (var item in items) FailItem(item, CommandStatus.FailedToStart, "Submitting " + what + " to Slurm failed: " + e.Message);
                return;
            }
            lock (_gate)
            {
                _arrays.Add(new SlurmArray(jobId, tasks));
                _lastSubmit = DateTime.UtcNow;
                foreach (var item in items)
                    if (_items.TryGetValue(item, out var it)) it.Submitted = true;
            }
            _claimsAtLastSubmit = claimsBefore;
        }

        /// <summary>New start records become started events; new result records become results.</summary>
        private void ReadRecords()
        {
            List<Item> open;
            lock (_gate) open = _items.Values.Where(i => !i.Done).ToList();
            if (open.Count == 0) return;
            var results = new HashSet<string>(_dir.ListResults(), StringComparer.Ordinal);
            var started = new HashSet<string>(_dir.ListStarted(), StringComparer.Ordinal);
            var requeues = _dir.ReadRequeues();
            var now = DateTime.UtcNow;
            foreach (var item in open)
            {
                if (!item.StartSeen && started.Contains(item.Name))
                {
                    var start = _dir.ReadStart(item.Name);
                    if (start != null)
                    {
                        item.StartSeen = true;
                        item.Start = start;
                        item.StartReadAt = DateTime.UtcNow;
                        Post(new SlurmRunEvent(SlurmRunEventKind.CommandStarted, item.Index, start, null));
                    }
                }
                if (results.Contains(item.Name))
                {
                    var record = _dir.ReadResult(item.Name);
                    if (record != null && record.IsResult)
                    {
                        // A result the task wrote counts, also when Slurm requeued the task right after.
                        Finish(item, record);
                        continue;
                    }
                }
                if (item.Start?.RawJobId != null && requeues.TryGetValue(item.Start.RawJobId, out int restarts) && restarts > item.Start.Restart)
                {
                    item.RequeuedSince ??= now;
                    _requeuedTasks.Add(item.Start.RawJobId);
                }
                if (item.RequeuedSince.HasValue && now - item.RequeuedSince.Value >= _options.RecordGrace) RunAgainAfterRequeue(item);
            }
        }

        /// <summary>
        /// The task running this item was requeued by Slurm (scontrol requeue, a node failure with requeue) before
        /// the item's result record was written: Slurm killed the command, and the task, when it starts again,
        /// does not run it again by itself. The command gets a new attempt with files of its own (so nothing the
        /// lost attempt wrote is taken for the new one's), in a new batch file: the requeued task when it starts
        /// again, or any other task of the run still taking commands, runs it; when no array of the run is left,
        /// the next Slurm poll submits one. Called <see cref="SlurmRunOptions.RecordGrace"/> after the requeue
        /// was seen, so a record the shared filesystem shows late still counts instead.
        /// </summary>
        private void RunAgainAfterRequeue(Item item)
        {
            var start = item.Start!;
            if (item.CancelRequested)
            {
                FailItem(item.Name, CommandStatus.Cancelled, $"Stopped (Stop-Job on the command) after Slurm requeued its task {start.ClusterJobId}.");
                return;
            }
            string next = SlurmRunDirectory.Item(item.Index, item.Attempt + 1);
            var again = new Item(next, item.Index, item.Attempt + 1) { Requeues = item.Requeues + 1 };
            again.LostAttempts.AddRange(item.LostAttempts);
            again.LostAttempts.Add($"Slurm requeued task {start.ClusterJobId} (job {start.RawJobId}) on {start.Node ?? start.Host} while attempt {item.Attempt} of the command ran; it ran again.");
            item.Done = true;
            lock (_gate)
            {
                if (_cancelRequested) return;
                _items[next] = again;
            }
            _dir.WriteBatch(new[] { next });
            again.Submitted = true;
        }

        private void Finish(Item item, SlurmTaskRecord record)
        {
            var result = NewResult(item, record);
            int code = record.ExitCode!.Value;
            result.ExitCode = code;
            if (record.Cancelled == "before")
            {
                result.Status = CommandStatus.Cancelled;
                result.ExitCode = null;
                result.Reason = $"Stopped (Stop-Job on the command) before it started in Slurm task {record.ClusterJobId}.";
            }
            else if (record.Cancelled != null)
            {
                result.Status = CommandStatus.Cancelled;
                result.Reason = $"Stopped (Stop-Job on the command) while it ran in Slurm task {record.ClusterJobId} on {record.Node ?? record.Host}"
                                + (record.Signal.HasValue ? $" (signal {record.Signal})" : "") + "; the task went on with the run's other commands.";
            }
            else if (record.Problem != null)
            {
                result.Status = CommandStatus.FailedToStart;
                result.Reason = record.Problem;
            }
            else if (code == 0)
            {
                result.Status = CommandStatus.Succeeded;
            }
            else
            {
                result.Status = CommandStatus.Failed;
                result.Reason = record.Signal.HasValue
                    ? $"Killed by signal {record.Signal} (exit code {code})" + (record.WaitStatus == "shell" ? ", as far as the shell's $? tells." : ".")
                    : $"Exited with code {code}.";
            }
            ReadOutput(item, result, record.EndTime);
            Conclude(item, result, record.ClusterJobId, record.Signal);
        }

        /// <summary>Delivers a result, or queues the next attempt when it failed and retries are left.</summary>
        private void Conclude(Item item, CommandResult result, string? clusterJobId, int? signal)
        {
            item.Done = true;
            // Attempts lost to a requeue are not failures of the command: they do not use up its retries.
            bool retry = (result.Status == CommandStatus.Failed || result.Status == CommandStatus.TimedOut)
                         && item.Attempt - item.Requeues <= _options.Retries && !item.CancelRequested;
            lock (_gate)
            {
                if (retry && !_cancelRequested)
                {
                    string next = SlurmRunDirectory.Item(item.Index, item.Attempt + 1);
                    var again = new Item(next, item.Index, item.Attempt + 1) { Requeues = item.Requeues };
                    again.LostAttempts.AddRange(item.LostAttempts);
                    _items[next] = again;
                    _toSubmit.Add(next);
                    _firstWaitingSince ??= DateTime.UtcNow;
                    return;
                }
            }
            Deliver(result, clusterJobId, signal);
        }

        private CommandResult NewResult(Item item, SlurmTaskRecord? record)
        {
            Command command;
            lock (_gate) command = _commands[item.Index];
            var result = new CommandResult
            {
                Index = item.Index,
                Command = command.Text,
                InputObject = command.Input,
                Attempts = item.Attempt,
                Slot = -1,
                HostFailures = item.LostAttempts.ToArray(),
            };
            if (record != null)
            {
                result.ProcessId = record.ProcessId;
                result.StartTime = record.StartTime;
                result.EndTime = record.EndTime;
                result.ComputerName = record.Node ?? record.Host ?? "";
                result.Slot = TaskNumber(record.ClusterJobId);
            }
            return result;
        }

        /// <summary>The array task number of "JOB_TASK" (the slot a Slurm result reports); -1 if none.</summary>
        private static int TaskNumber(string? clusterJobId)
        {
            if (clusterJobId == null) return -1;
            int underscore = clusterJobId.LastIndexOf('_');
            return underscore >= 0 && int.TryParse(clusterJobId.Substring(underscore + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : -1;
        }

        /// <summary>Reads the command's stdout and stderr files back into the result (stdout lines first: the files do not keep the interleaving).</summary>
        private void ReadOutput(Item item, CommandResult result, DateTime? when)
        {
            var lines = new LineCollector(item.Index, result.Slot, _options.BoundedOutput, _options.TailLines, _options.MaxLineLength, null);
            var buffer = new byte[64 * 1024];
            foreach (var (path, kind) in new[] { (_dir.OutPath(item.Name), StreamKind.Output), (_dir.ErrPath(item.Name), StreamKind.Error) })
            {
                try
                {
                    using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    int n;
                    while ((n = stream.Read(buffer, 0, buffer.Length)) > 0) lines.Append(kind, buffer, n);
                }
                catch (FileNotFoundException) { }
                catch (DirectoryNotFoundException) { }
                lines.Complete(kind);
            }
            result.Lines = lines.ToLines();
            result.OutputLineCount = lines.OutputLines;
            result.ErrorLineCount = lines.ErrorLines;
            result.OutputBytes = lines.OutputBytes;
            result.ErrorBytes = lines.ErrorBytes;
            result.CutLines = lines.CutLines;
            result.OutputPath = _dir.OutPath(item.Name);
            result.ErrorPath = _dir.ErrPath(item.Name);
        }

        /// <summary>
        /// Asks squeue which of the run's tasks still exist; settles the commands whose task is gone without a
        /// result record (after <see cref="SlurmRunOptions.RecordGrace"/>), and resubmits what no task took.
        /// </summary>
        private void PollSlurm()
        {
            List<SlurmArray> arrays;
            lock (_gate) arrays = _arrays.Where(a => !a.Ended).ToList();
            if (arrays.Count == 0 && !HasOpenSubmittedItems()) { _lastSlurmPoll = DateTime.UtcNow; return; }
            var pollStarted = DateTime.UtcNow;
            IReadOnlyList<SlurmQueueEntry> queue;
            try { queue = _client.Queue(_jobName); }
            catch (SlurmException e)
            {
                // slurmctld busy or restarting: ask again at the next poll. Results keep arriving from the files.
                Volatile.Write(ref _lastProblem, e.Message);
                _lastSlurmPoll = DateTime.UtcNow;
                return;
            }
            _lastSlurmPoll = DateTime.UtcNow;
            var liveRaw = new HashSet<string>(queue.Select(q => q.RawJobId), StringComparer.Ordinal);
            // A task that started a command and is pending again was requeued (it cannot go back to pending otherwise).
            var pendingRaw = new HashSet<string>(queue.Where(q => q.IsPending || q.State.StartsWith("REQUEUE", StringComparison.Ordinal)).Select(q => q.RawJobId), StringComparer.Ordinal);
            var liveArrays = new HashSet<string>(queue.Select(q => q.ArrayJobId), StringComparer.Ordinal);
            lock (_gate)
            {
                foreach (var a in arrays)
                    if (!liveArrays.Contains(a.JobId) && a.SubmittedAt <= pollStarted) a.Ended = true;
            }
            ReadRecords();

            bool anyArrayLive;
            lock (_gate) anyArrayLive = _arrays.Any(a => !a.Ended);
            var claims = new HashSet<string>(_dir.ListClaims(), StringComparer.Ordinal);
            var toSettle = new List<Item>();
            var unclaimed = new List<Item>();
            List<Item> open;
            lock (_gate) open = _items.Values.Where(i => !i.Done && i.Submitted).ToList();
            var now = DateTime.UtcNow;
            foreach (var item in open)
            {
                if (!claims.Contains(item.Name))
                {
                    unclaimed.Add(item);
                    continue;
                }
                if (item.Start == null)
                {
                    item.Start = _dir.ReadStart(item.Name);
                    item.StartReadAt = DateTime.UtcNow;
                }
                if (item.RequeuedSince.HasValue) continue; // runs again (RunAgainAfterRequeue), never settled from Slurm
                // Only a start record read before squeue answered counts: squeue's answer may be older than a record
                // read after it (a pending array task lists the array's own job id, which its last task to start takes).
                if (item.Start?.RawJobId != null && item.StartReadAt < pollStarted && pendingRaw.Contains(item.Start.RawJobId))
                {
                    // Requeued: the next read of the run directory gives the command a new attempt (after the grace).
                    item.RequeuedSince ??= now;
                    _requeuedTasks.Add(item.Start.RawJobId);
                    continue;
                }
                bool running = item.Start?.RawJobId != null ? liveRaw.Contains(item.Start.RawJobId) : anyArrayLive;
                if (running)
                {
                    item.GoneSince = null;
                    continue;
                }
                item.GoneSince ??= now;
                if (now - item.GoneSince.Value < _options.RecordGrace) continue;
                if (item.Start == null && item.CancelRequested)
                {
                    FailItem(item.Name, CommandStatus.Cancelled, "Stopped (Stop-Job on the command) before it started.");
                    continue;
                }
                if (item.Start == null)
                {
                    // Taken by a task that ended before it could write the start record: give it back.
                    if (_dir.ReleaseClaim(item.Name))
                    {
                        item.GoneSince = null;
                        unclaimed.Add(item);
                    }
                    continue;
                }
                toSettle.Add(item);
            }
            if (toSettle.Count > 0) Settle(toSettle);
            if (unclaimed.Count > 0 && queue.Count > 0 && queue.All(q => q.IsPending && _requeuedTasks.Contains(q.RawJobId)))
            {
                // Commands wait, nothing of the run runs, and all that is left are requeued tasks, which Slurm starts
                // only after its requeue delay (about two minutes): cancel them, so that the next poll finds no array
                // alive and submits one for the waiting commands at once. The throttle holds: nothing else runs.
                try { _client.Cancel(queue.Select(q => q.ArrayJobId + "_" + q.TaskId)); }
                catch (SlurmException e) { Volatile.Write(ref _lastProblem, e.Message); }
            }
            if (unclaimed.Count > 0 && !anyArrayLive) ResubmitUnclaimed(unclaimed, claims.Count);
            lock (_gate)
            {
                // Leftover tasks have nothing to take once every command is taken and no more will come.
                if (_addingCompleted && _toSubmit.Count == 0 && unclaimed.Count == 0 && queue.Any(q => q.IsPending))
                {
                    var pending = queue.Where(q => q.IsPending).Select(q => q.ArrayJobId).Distinct().ToList();
                    try { _client.Cancel(pending, pendingOnly: true); }
                    catch (SlurmException e) { Volatile.Write(ref _lastProblem, e.Message); }
                }
            }
        }

        private bool HasOpenSubmittedItems()
        {
            lock (_gate) return _items.Values.Any(i => !i.Done && i.Submitted);
        }

        /// <summary>Commands whose task ended without their result record: Slurm's account of the task decides.</summary>
        private void Settle(List<Item> items)
        {
            // The record may have appeared since the directory was read.
            ReadRecords();
            items = items.Where(i => !i.Done).ToList();
            if (items.Count == 0) return;
            var raw = items.Select(i => i.Start!.RawJobId!).ToList();
            var states = _client.CompletionRecords(raw) ?? new Dictionary<string, SlurmFinalState>(StringComparer.Ordinal);
            var missing = raw.Where(r => !states.ContainsKey(r)).ToList();
            if (missing.Count > 0)
            {
                // No job completion records (sacct -c unavailable or not configured): slurmctld's memory.
                var arrayIds = items.Where(i => missing.Contains(i.Start!.RawJobId!))
                                    .Select(i => ArrayIdOf(i.Start!.ClusterJobId) ?? i.Start!.RawJobId!).Distinct();
                foreach (var arrayId in arrayIds)
                    foreach (var pair in _client.ShowJob(arrayId))
                        if (!states.ContainsKey(pair.Key)) states[pair.Key] = pair.Value;
            }
            foreach (var item in items)
            {
                var start = item.Start!;
                var result = NewResult(item, start);
                if (states.TryGetValue(start.RawJobId!, out var state))
                {
                    if (!state.IsFinal) continue; // requeued or still ending: look again at the next poll
                    result.Status = state.ToStatus(out string reason);
                    result.Reason = reason;
                    if (item.CancelRequested && result.Status != CommandStatus.TimedOut)
                    {
                        result.Status = CommandStatus.Cancelled;
                        result.Reason = "Stopped (Stop-Job on the command): " + reason;
                    }
                    result.EndTime = state.End ?? DateTime.Now;
                    result.ExitCode = state.Signal.HasValue ? 128 + state.Signal.Value : (int?)null;
                    ReadOutput(item, result, result.EndTime);
                    Conclude(item, result, start.ClusterJobId, state.Signal);
                }
                else
                {
                    result.Status = CommandStatus.Failed;
                    result.Reason = $"Slurm task {start.ClusterJobId} (job {start.RawJobId}) ended without writing the command's result record, and Slurm has no record of how it ended.";
                    result.EndTime = DateTime.Now;
                    ReadOutput(item, result, result.EndTime);
                    Conclude(item, result, start.ClusterJobId, null);
                }
            }
        }

        private static string? ArrayIdOf(string? clusterJobId)
        {
            if (clusterJobId == null) return null;
            int underscore = clusterJobId.IndexOf('_');
            return underscore > 0 ? clusterJobId.Substring(0, underscore) : clusterJobId;
        }

        /// <summary>
        /// Every array has ended but some commands were never taken (their tasks were cancelled from outside, or
        /// died at start). Another array runs them, unless the last one took nothing at all: then they fail
        /// with what Slurm says, rather than being resubmitted forever.
        /// </summary>
        private void ResubmitUnclaimed(List<Item> unclaimed, int claimsNow)
        {
            SlurmArray? last;
            lock (_gate)
            {
                if (_toSubmit.Count > 0) return; // the next batch will start tasks that take them
                last = _arrays.LastOrDefault();
            }
            if (last == null) return;
            if (claimsNow == _claimsAtLastSubmit)
            {
                string why = DescribeArrayEnd(last.JobId);
                foreach (var item in unclaimed)
                    FailItem(item.Name, CommandStatus.Failed, $"Slurm array {last.JobId} ended without running the command: {why}");
                return;
            }
            Submit(unclaimed.Select(i => i.Name).ToList(), Math.Min(unclaimed.Count, _options.MaxArrayTasks), null, "the commands no task took");
        }

        /// <summary>Why an array's tasks ended without work done: Slurm's state and the first lines of its task log.</summary>
        private string DescribeArrayEnd(string arrayJobId)
        {
            string text = "";
            try
            {
                var states = _client.ShowJob(arrayJobId);
                if (states.Count > 0)
                    text = "its tasks ended " + string.Join(", ", states.Values.Select(s => s.State + (s.ExitCode.Length > 0 ? " (exit " + s.ExitCode + ")" : "")).Distinct());
            }
            catch (SlurmException e) { text = e.Message; }
            string log = _dir.SlurmLogPath(arrayJobId + "_0");
            try
            {
                string head = string.Join(" ", File.ReadAllLines(log).Take(3)).Trim();
                if (head.Length > 0) text += (text.Length > 0 ? "; " : "") + "its log says: " + MessageText.Shorten(head);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            if (text.Length == 0) text = "Slurm has no record of it";
            return text + $". The run directory {_dir.Path} must be on a filesystem the nodes share with this machine.";
        }

        /// <summary>Leftover pending tasks of a finished run are cancelled, so none starts only to find nothing to do.</summary>
        private void CancelLeftoverTasks()
        {
            var ids = ActiveArrayIds();
            if (ids.Count == 0) return;
            try { _client.Cancel(ids, pendingOnly: true); }
            catch (SlurmException e) { Volatile.Write(ref _lastProblem, e.Message); }
        }

        private List<string> ActiveArrayIds()
        {
            lock (_gate) return _arrays.Where(a => !a.Ended).Select(a => a.JobId).ToList();
        }

        /// <summary>Stop: scancel every array, wait until Slurm lists none of the run's tasks, then settle every command.</summary>
        private void Stop()
        {
            List<string> unsubmitted;
            lock (_gate)
            {
                unsubmitted = new List<string>(_toSubmit);
                _toSubmit.Clear();
            }
            foreach (var item in unsubmitted) FailItem(item, CommandStatus.Cancelled, "The run was stopped before the command was submitted.");
            if (!_completeMarked)
            {
                try { _dir.MarkComplete(); _completeMarked = true; } catch (IOException) { }
            }
            var ids = ActiveArrayIds();
            if (ids.Count > 0)
            {
                try { _client.Cancel(ids); }
                catch (SlurmException e) { Volatile.Write(ref _lastProblem, e.Message); }
                var deadline = DateTime.UtcNow + _options.StopTimeout;
                while (DateTime.UtcNow < deadline)
                {
                    try
                    {
                        if (_client.Queue(_jobName).Count == 0) break;
                    }
                    catch (SlurmException e) { Volatile.Write(ref _lastProblem, e.Message); }
                    Thread.Sleep(1000);
                }
                lock (_gate) foreach (var a in _arrays) a.Ended = true;
            }
            // Results written before the tasks were stopped still count as they are.
            ReadRecords();
            List<Item> open;
            lock (_gate) open = _items.Values.Where(i => !i.Done).ToList();
            foreach (var item in open)
            {
                var start = item.Start ?? _dir.ReadStart(item.Name);
                var result = NewResult(item, start);
                result.Status = CommandStatus.Cancelled;
                if (start != null)
                {
                    result.Reason = $"The run was stopped (scancel) while the command ran in Slurm task {start.ClusterJobId} on {start.Node}.";
                    result.EndTime = DateTime.Now;
                    ReadOutput(item, result, result.EndTime);
                }
                else
                {
                    result.Reason = "The run was stopped (scancel) before the command started.";
                }
                item.Done = true;
                Deliver(result, start?.ClusterJobId, null);
            }
        }

        private void FailItem(string itemName, CommandStatus status, string reason)
        {
            Item? item;
            lock (_gate) _items.TryGetValue(itemName, out item);
            if (item == null || item.Done) return;
            item.Done = true;
            var result = NewResult(item, null);
            result.Status = status;
            result.Reason = reason;
            Deliver(result, null, null);
        }

        private void FailRemaining(CommandStatus status, string reason)
        {
            List<Item> open;
            lock (_gate) open = _items.Values.Where(i => !i.Done).ToList();
            foreach (var item in open) FailItem(item.Name, status, reason);
        }

        private CommandResult Unrun(int index, CommandStatus status, string reason)
        {
            Command command;
            lock (_gate) command = _commands[index];
            return new CommandResult { Index = index, Command = command.Text, InputObject = command.Input, Slot = -1, Status = status, Reason = reason };
        }

        private void Deliver(CommandResult result, string? clusterJobId, int? signal)
        {
            lock (_gate) _delivered++;
            Post(new SlurmRunEvent(SlurmRunEventKind.CommandFinished, result.Index, null, new SlurmCommandResult(result, clusterJobId, signal)));
        }

        private void Complete()
        {
            bool all;
            lock (_gate) all = _addingCompleted && _delivered == _commands.Count;
            if (!all)
            {
                // Stopped before the input was complete: later Add calls are answered as Cancelled at once.
                lock (_gate) _cancelRequested = true;
            }
            Post(new SlurmRunEvent(SlurmRunEventKind.RunCompleted, -1, null, null));
            _done.Set();
        }

        private void Post(SlurmRunEvent e)
        {
            try { _events.Add(e); }
            catch (InvalidOperationException) { }
        }

        /// <summary>Stops what still runs (scancel) and waits for the watcher.</summary>
        public void Dispose()
        {
            if (!_done.IsSet)
            {
                lock (_gate) _addingCompleted = true;
                Cancel();
                _done.Wait(_options.StopTimeout + TimeSpan.FromSeconds(30));
            }
        }

        private sealed class Command
        {
            public Command(int index, string text, string? input)
            {
                Index = index;
                Text = text;
                Input = input;
            }

            public int Index { get; }
            public string Text { get; }
            public string? Input { get; }
        }

        /// <summary>One attempt of one command, as the watcher follows it.</summary>
        private sealed class Item
        {
            public Item(string name, int index, int attempt)
            {
                Name = name;
                Index = index;
                Attempt = attempt;
            }

            public string Name { get; }
            public int Index { get; }
            public int Attempt { get; }
            public bool Submitted;
            public bool StartSeen;
            public bool Done;
            /// <summary>Stop-Job on this command was asked for: it ends Cancelled and is not retried.</summary>
            public bool CancelRequested;
            public SlurmTaskRecord? Start;
            /// <summary>When <see cref="Start"/> was read (so a squeue answer older than it is not held against it).</summary>
            public DateTime StartReadAt = DateTime.MaxValue;
            /// <summary>How many earlier attempts of the command were lost to a requeue (they use up no retry).</summary>
            public int Requeues;
            /// <summary>One line per earlier attempt lost to a requeue (the result's HostFailures).</summary>
            public readonly List<string> LostAttempts = new List<string>();
            /// <summary>When the task running this item was first seen requeued (pending again, or started again).</summary>
            public DateTime? RequeuedSince;
            /// <summary>When squeue first no longer listed the task that took it (while its result was missing).</summary>
            public DateTime? GoneSince;
        }

        private sealed class SlurmArray
        {
            public SlurmArray(string jobId, int tasks)
            {
                JobId = jobId;
                Tasks = tasks;
                SubmittedAt = DateTime.UtcNow;
            }

            public string JobId { get; }
            public int Tasks { get; }
            public DateTime SubmittedAt { get; }
            public bool Ended;
        }
    }
}
