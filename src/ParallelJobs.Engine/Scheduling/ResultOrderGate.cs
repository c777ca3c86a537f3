using System;
using System.Collections.Generic;

namespace ParallelJobs.Scheduling
{
    /// <summary>
    /// Releases results as they come, or, for KeepOrder, holds each until all lower indices are out
    /// (GNU parallel's --keep-order).
    /// </summary>
    internal sealed class ResultOrderGate
    {
        private readonly bool _keepOrder;
        private readonly SortedDictionary<int, CommandResult> _held = new SortedDictionary<int, CommandResult>();
        private int _next;

        public ResultOrderGate(bool keepOrder) { _keepOrder = keepOrder; }

        /// <summary>
        /// Hands every result that may go out now to <paramref name="emit"/>, inside the gate's lock, so
        /// results released by two threads at once still leave in order.
        /// </summary>
        public void Release(CommandResult result, Action<CommandResult> emit)
        {
            lock (_held)
            {
                if (!_keepOrder)
                {
                    emit(result);
                    return;
                }
                _held[result.Index] = result;
                while (_held.TryGetValue(_next, out var r))
                {
                    _held.Remove(_next);
                    emit(r);
                    _next++;
                }
            }
        }
    }
}
