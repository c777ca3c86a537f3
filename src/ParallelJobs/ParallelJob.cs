using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using ParallelJobs.Output;
using ParallelJobs.Scheduling;
using ParallelJobs.Jobs;

namespace ParallelJobs
{
    /// <summary>
    /// A parallel run as a PowerShell job (Start-ParallelCommand -AsJob): one <see cref="ParallelChildJob"/>
    /// per command, holding its <see cref="CommandResult"/>, made from the run's own CommandAdded events. A
    /// background thread (never the pipeline) drains the run's events into the child jobs. The job is Running while any command runs or waits,
    /// then Completed when every command succeeded, Failed when any failed, Stopped after Stop-Job (which
    /// stops every running process tree; commands that never started end as Cancelled results, so every
    /// input still has its one result). What each slot prints is also kept per slot for Receive-SlotOutput.
    /// </summary>
    public sealed class ParallelJob : Job2
    {
        internal const string JobTypeName = "ParallelJob";
        /// <summary>Unread lines kept per slot when an output directory holds every byte anyway.</summary>
        private const int BoundedSlotLines = 10000;

        private readonly ParallelRun _run;
        private readonly List<ParallelChildJob> _commands = new List<ParallelChildJob>();
        private readonly object _lifecycle = new object();
        private Thread? _drainThread;
        private bool _started;
        private bool _stopRequested;
        private bool _disposed;
        // -Verbose given: each command's child job keeps the records of its start and end (see RunEvent.Describe).
        private readonly bool _verbose;

        internal ParallelJob(ParallelRun run, string command, string? name, bool verbose = false)
            : base(command, name)
        {
            _verbose = verbose;
            _run = run ?? throw new ArgumentNullException(nameof(run));
            PSJobTypeName = JobTypeName;
            var o = run.Options;
            // Slots are numbered per machine: the buffer takes slot numbers up to the largest machine's count.
            SlotOutput = new SlotOutputBuffer(run.SlotHosts.Max(h => h.Value), o.OutputDirectory != null ? Math.Max(o.TailLines, BoundedSlotLines) : (int?)null);
            // Subscribed before the first command is added, so no line is missed.
            run.LineReceived += SlotOutput.Append;
        }

        /// <summary>Number of slots (the run's throttle limit).</summary>
        public int ThrottleLimit => _run.Options.ThrottleLimit;
        /// <summary>Where slot-&lt;k&gt;.out / .err and commands.tsv are written; null when the run keeps output in memory only.</summary>
        public string? OutputDirectory => _run.Options.OutputDirectory;

        internal SlotOutputBuffer SlotOutput { get; }

        /// <summary>The machines of the run's slots in order, each with its slot count (slots 0 to count - 1 on it).</summary>
        internal IReadOnlyList<KeyValuePair<string, int>> SlotHosts => _run.SlotHosts;

        /// <summary>True for a run over -HostName hosts (its slots are numbered per host).</summary>
        internal bool OnHosts => _run.Options.Hosts != null;

        /// <summary>True when the run's slot files carry the host in their names (a run over remote hosts).</summary>
        internal bool SlotFilesNamedByHost => _run.Options.SlotFilesNamedByHost;

        /// <summary>Each slot's state now: what Get-ParallelSlot shows.</summary>
        public ParallelSlot[] GetSlots() => _run.GetSlots();

        /// <summary>One slot (Idle and unused when the run has not needed it yet); null outside the throttle limit.</summary>
        public ParallelSlot? GetSlot(int slot) => _run.GetSlot(slot);

        /// <summary>Slot <paramref name="slot"/> of the machine named <paramref name="computerName"/>; null when the run has no such slot.</summary>
        public ParallelSlot? GetSlot(string computerName, int slot) => _run.GetSlot(computerName, slot);

        public override string StatusMessage => _run.GetProgress().ToString();

        public override bool HasMoreData
        {
            get
            {
                if (Warning.Count > 0) return true; // the run's own warnings (a job log line ignored, a file not written)
                foreach (var child in ChildJobs)
                    if (child.HasMoreData) return true;
                return false;
            }
        }

        public override string Location => Environment.MachineName;

        /// <summary>
        /// Makes the child job of a command the run has added, unless it exists: both the cmdlet that adds commands
        /// (so the job it has handed out has every child when the cmdlet ends) and the drain thread (on the added
        /// event) call this, each in index order.
        /// </summary>
        internal void AddCommand(int index, string command)
        {
            lock (_commands)
            {
                if (index < _commands.Count) return;
                while (_commands.Count < index) _commands.Add(null!); // never happens: indices are dense
                var child = new ParallelChildJob(this, index, command);
                _commands.Add(child);
                ChildJobs.Add(child);
            }
        }

        /// <summary>Hands the job to PowerShell's job manager, as ThreadJob does, so the job cmdlets see it.</summary>
        internal void Register(PSCmdlet cmdlet)
        {
            var definition = new JobDefinition(typeof(ParallelJobSourceAdapter), Command, Name);
            var parameters = new Dictionary<string, object> { [ParallelJobSourceAdapter.NewJobParameter] = this };
            cmdlet.JobManager.NewJob(new JobInvocationInfo(definition, parameters));
        }

        public override void StartJob()
        {
            lock (_lifecycle)
            {
                if (_started || _disposed) throw new InvalidOperationException("The job has already been started.");
                _started = true;
                SetJobState(JobState.Running);
            }
            // The commands added so far become child jobs here, on the caller's thread, so the job is handed out
            // with all of them; the events still to come are the drain thread's.
            try
            {
                _run.Events.Drain(Handle, untilDrained: false);
            }
            catch (Exception e)
            {
                _run.Cancel();
                Finish(e);
                return;
            }
            _drainThread = new Thread(Drain) { IsBackground = true, Name = "ParallelJob " + Id.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            _drainThread.Start();
        }

        public override void StartJobAsync()
        {
            StartJob();
            OnStartJobCompleted(new AsyncCompletedEventArgs(null, false, null));
        }

        public override void StopJob() => StopJob(false, null);

        public override void StopJob(bool force, string? reason)
        {
            Thread? drain;
            lock (_lifecycle)
            {
                var state = JobStateInfo.State;
                if (IsFinished(state)) return;
                _stopRequested = true;
                if (state != JobState.Stopping) SetJobState(JobState.Stopping);
                drain = _drainThread;
                if (drain == null)
                {
                    // Never started: nothing drains the run, so finish it here.
                    _run.Dispose();
                    SetJobState(JobState.Stopped);
                    return;
                }
            }
            _run.Cancel();
            if (drain != Thread.CurrentThread)
                drain.Join(_run.Options.GracePeriod + TimeSpan.FromSeconds(10));
        }

        /// <summary>Stops one command and waits (up to the grace period and a little more) for its result.</summary>
        internal void StopCommand(int index, WaitHandle commandFinished)
        {
            if (_run.CancelCommand(index))
                commandFinished.WaitOne(_run.Options.GracePeriod + TimeSpan.FromSeconds(10));
        }

        public override void StopJobAsync() => StopJobAsync(false, null);

        public override void StopJobAsync(bool force, string? reason)
        {
            ThreadPool.QueueUserWorkItem(_ =>
            {
                Exception? error = null;
                try { StopJob(force, reason); }
                catch (Exception e) { error = e; }
                OnStopJobCompleted(new AsyncCompletedEventArgs(error, false, null));
            });
        }

        public override void SuspendJob() => throw NotSupported("suspended");
        public override void SuspendJobAsync() => throw NotSupported("suspended");
        public override void SuspendJob(bool force, string? reason) => throw NotSupported("suspended");
        public override void SuspendJobAsync(bool force, string? reason) => throw NotSupported("suspended");
        public override void ResumeJob() => throw NotSupported("resumed");
        public override void ResumeJobAsync() => throw NotSupported("resumed");
        public override void UnblockJob() => throw NotSupported("unblocked");
        public override void UnblockJobAsync() => throw NotSupported("unblocked");

        private static PSNotSupportedException NotSupported(string what) =>
            new PSNotSupportedException($"A ParallelJob cannot be {what}; stop it with Stop-Job.");

        private ParallelChildJob? Child(int index)
        {
            lock (_commands) return index >= 0 && index < _commands.Count ? _commands[index] : null;
        }

        private void Drain()
        {
            Exception? failure = null;
            try
            {
                _run.Events.Drain(Handle, untilDrained: true);
            }
            catch (Exception e)
            {
                // Not expected; without this the job would stay Running for ever.
                failure = e;
                _run.Cancel();
            }
            Finish(failure);
        }

        private void Handle(RunEvent e)
        {
            // Before the state change a finished event makes, so whoever wakes on it finds the record there.
            if (_verbose && e.Describe() is string text)
            {
                if (e.Kind == RunEventKind.Note) Verbose.Add(new VerboseRecord(text));
                else Child(e.Index)?.Verbose.Add(new VerboseRecord(text));
            }
            switch (e.Kind)
            {
                case RunEventKind.CommandAdded:
                    AddCommand(e.Index, e.Command!);
                    break;
                case RunEventKind.CommandStarted:
                    Child(e.Index)?.MarkStarted(e.Slot, e.ProcessId, _run.Options.Hosts != null ? e.ComputerName : null);
                    break;
                case RunEventKind.Warning:
                    Warning.Add(new WarningRecord(e.Message));
                    break;
                case RunEventKind.CommandFinished:
                    Child(e.Index)?.Finish(e.Result!, CommandFailureRecord.For(e.Result!));
                    break;
            }
        }

        /// <summary>The run is drained (or draining failed): the job takes its final state.</summary>
        private void Finish(Exception? failure)
        {
            lock (_lifecycle)
            {
                if (IsFinished(JobStateInfo.State)) return;
                if (failure != null) Error.Add(new ErrorRecord(failure, "ParallelJobDrainFailed", ErrorCategory.NotSpecified, this));
                SetJobState(failure != null ? JobState.Failed : FinalState());
            }
        }

        private JobState FinalState()
        {
            if (_stopRequested) return JobState.Stopped;
            bool anyFailed = false, anyStopped = false;
            lock (_commands)
            {
                foreach (var c in _commands)
                {
                    var s = c.JobStateInfo.State;
                    if (s == JobState.Failed) anyFailed = true;
                    else if (s == JobState.Stopped) anyStopped = true;
                }
            }
            return anyFailed ? JobState.Failed : anyStopped ? JobState.Stopped : JobState.Completed;
        }

        private static bool IsFinished(JobState s) =>
            s == JobState.Completed || s == JobState.Failed || s == JobState.Stopped;

        /// <summary>Remove-Job -Force, or closing the job: nothing it started keeps running.</summary>
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                bool first;
                lock (_lifecycle)
                {
                    first = !_disposed;
                    _disposed = true;
                }
                if (first)
                {
                    if (!IsFinished(JobStateInfo.State)) StopJob();
                    _run.LineReceived -= SlotOutput.Append;
                    _run.Dispose();
                }
            }
            base.Dispose(disposing);
        }
    }
}
