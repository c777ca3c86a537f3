using System;
using System.Collections.Concurrent;
using System.Threading;

namespace ParallelJobs.Runs
{
    /// <summary>
    /// The one way engine work hands events back: any number of threads <see cref="Post"/>, one consumer (a
    /// cmdlet's pipeline thread, a job's thread, a test) takes them in order with <see cref="Drain"/> or
    /// <see cref="TryTake"/>. The producer's last call is <see cref="Complete"/>; once the consumer has taken
    /// every event after that, the channel is drained and nothing more comes.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposing the collection would only free wait handles, and would throw at a consumer still waiting in TryTake; the channel lives as long as its run.")]
    internal sealed class RunEventChannel<TEvent> where TEvent : class
    {
        private readonly BlockingCollection<TEvent> _events = new BlockingCollection<TEvent>();

        /// <summary>Adds an event. After <see cref="Complete"/> it is dropped: a late event of a stopped run has no reader.</summary>
        public void Post(TEvent runEvent)
        {
            try { _events.Add(runEvent); }
            catch (InvalidOperationException) { }
        }

        /// <summary>Nothing more will be posted. Called more than once, the later calls do nothing.</summary>
        public void Complete()
        {
            try { _events.CompleteAdding(); }
            catch (ObjectDisposedException) { }
        }

        /// <summary>True once <see cref="Complete"/> was called (events may still wait to be taken).</summary>
        public bool IsCompleted => _events.IsAddingCompleted;

        /// <summary>True once the channel is complete and every event has been taken.</summary>
        public bool IsDrained => _events.IsCompleted;

        /// <summary>
        /// The next event, waiting at most the timeout (0: do not wait; <see cref="Timeout.Infinite"/>: until one comes
        /// or the channel is drained). False when none came in time or the channel is drained.
        /// </summary>
        /// <exception cref="OperationCanceledException">The token was cancelled while waiting.</exception>
        public bool TryTake(out TEvent? runEvent, int millisecondsTimeout, CancellationToken cancellationToken = default)
        {
            try
            {
                if (_events.TryTake(out var taken, millisecondsTimeout, cancellationToken))
                {
                    runEvent = taken;
                    return true;
                }
            }
            catch (InvalidOperationException) when (!cancellationToken.IsCancellationRequested)
            {
                // Completed and empty between the check and the take: drained.
            }
            runEvent = null;
            return false;
        }

        /// <summary>
        /// Hands events to <paramref name="handle"/> in the order they were posted, on the calling thread. With
        /// <paramref name="untilDrained"/> false it returns as soon as no event is waiting; with true, once the
        /// channel is drained. <paramref name="poll"/> (if any) runs after each event and whenever no event came for
        /// <paramref name="pollInterval"/> milliseconds: a cmdlet reports progress there.
        /// </summary>
        /// <exception cref="OperationCanceledException">The token was cancelled (Ctrl+C in a cmdlet).</exception>
        public void Drain(Action<TEvent> handle, bool untilDrained, CancellationToken cancellationToken = default, Action? poll = null, int pollInterval = 100)
        {
            if (handle == null) throw new ArgumentNullException(nameof(handle));
            int wait = !untilDrained ? 0 : poll != null ? pollInterval : Timeout.Infinite;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (TryTake(out var runEvent, wait, cancellationToken))
                {
                    handle(runEvent!);
                    poll?.Invoke();
                    continue;
                }
                if (!untilDrained || IsDrained) return;
                poll?.Invoke();
            }
        }
    }
}
