using System;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using ParallelJobs.Runs;

namespace ParallelJobs.Commands
{
    /// <summary>
    /// The base of the cmdlets that drive engine work (a run of commands, a quality run): it owns the run it is
    /// given, drains the run's events on the pipeline thread (worker threads never call Write*), shows the run's
    /// progress, cancels it on Ctrl+C (<see cref="StopProcessing"/>) and releases it whatever ends the pipeline
    /// (<see cref="Dispose()"/>: an error with -ErrorAction Stop, Select-Object -First, an exception). A derived
    /// cmdlet only binds parameters, feeds the run, and turns each event into output, an error or a warning.
    /// </summary>
    public abstract class EngineCmdlet : PSCmdlet, IDisposable
    {
        /// <summary>Least time between two progress records: the host redraws the bar on each.</summary>
        private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        // Distinct per invocation, so two of these cmdlets in one pipeline draw two bars.
        private readonly int _progressId = new Random().Next(1, int.MaxValue);
        private readonly Stopwatch _sinceProgress = new Stopwatch();
        private IEngineRun? _run;
        private bool? _progressWanted;
        private bool _progressShown;
        private bool _disposed;

        // Only the cmdlets of this module derive from it.
        private protected EngineCmdlet()
        {
        }

        /// <summary>Makes this cmdlet the run's owner: Ctrl+C cancels it, the end of the pipeline disposes it.</summary>
        private protected TRun Own<TRun>(TRun run) where TRun : class, IEngineRun
        {
            Volatile.Write(ref _run, run);
            if (_stopping.IsCancellationRequested) run.Cancel();
            return run;
        }

        /// <summary>Hands the run to another owner (the job of -AsJob): this cmdlet no longer cancels or disposes it.</summary>
        private protected void Disown() => Volatile.Write(ref _run, null);

        /// <summary>
        /// Writes the run's events through <paramref name="write"/> on this (the pipeline) thread: those waiting now
        /// (<paramref name="untilDrained"/> false, from ProcessRecord), or every one until the run is drained (from
        /// EndProcessing), with progress in between. On Ctrl+C the run is released (what it stops has ended) and the
        /// pipeline stops.
        /// </summary>
        private protected void Drain<TEvent>(IEngineRun<TEvent> run, Action<TEvent> write, bool untilDrained) where TEvent : class
        {
            try
            {
                run.Events.Drain(write, untilDrained, _stopping.Token, WantsProgress() ? () => ShowProgress(run) : (Action?)null);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                ReleaseRun();
                throw new PipelineStoppedException();
            }
            if (untilDrained && _progressShown)
            {
                WriteProgress(new ProgressRecord(_progressId, MyInvocation.MyCommand.Name, "Completed") { RecordType = ProgressRecordType.Completed });
                _progressShown = false;
            }
        }

        protected override void StopProcessing()
        {
            try { _stopping.Cancel(); }
            catch (ObjectDisposedException) { } // the pipeline has already ended
            Volatile.Read(ref _run)?.Cancel();
        }

        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
            if (!disposing || _disposed) return;
            _disposed = true;
            ReleaseRun();
            _stopping.Dispose();
        }

        /// <summary>Disposes the run this cmdlet owns: cancels what still runs and waits for it, as the run defines.</summary>
        private void ReleaseRun() => Interlocked.Exchange(ref _run, null)?.Dispose();

        /// <summary>$ProgressPreference asked once: with SilentlyContinue or Ignore not even the snapshots are taken.</summary>
        private bool WantsProgress()
        {
            if (_progressWanted == null)
            {
                object? preference = GetVariableValue("ProgressPreference");
                if (preference is PSObject wrapped) preference = wrapped.BaseObject;
                string? text = preference is ActionPreference action ? action.ToString() : preference as string;
                _progressWanted = !string.Equals(text, nameof(ActionPreference.SilentlyContinue), StringComparison.OrdinalIgnoreCase)
                    && !string.Equals(text, nameof(ActionPreference.Ignore), StringComparison.OrdinalIgnoreCase);
            }
            return _progressWanted.Value;
        }

        private void ShowProgress(IEngineRun run)
        {
            if (_sinceProgress.IsRunning && _sinceProgress.Elapsed < ProgressInterval) return;
            _sinceProgress.Restart();
            var p = run.GetProgress();
            var failed = p.Failed > 0 ? $", {p.Failed} failed" : "";
            WriteProgress(new ProgressRecord(_progressId, MyInvocation.MyCommand.Name,
                $"{p.Completed} of {p.Total}{(p.InputComplete ? "" : "+")} {p.Unit} done")
            {
                CurrentOperation = $"{p.Running} running{failed}, {(int)p.Elapsed.TotalSeconds} s elapsed",
                // While input still arrives the total is not known: no percentage, no time left.
                PercentComplete = p.InputComplete ? p.PercentComplete : -1,
                SecondsRemaining = p.InputComplete && p.EstimatedRemaining.HasValue ? (int)Math.Ceiling(p.EstimatedRemaining.Value.TotalSeconds) : -1,
            });
            _progressShown = true;
        }
    }
}
