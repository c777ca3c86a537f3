using System;
using System.Collections.Generic;

namespace ParallelJobs.Statistics
{
    /// <summary>
    /// Large arrays kept for the next run instead of left to the garbage collector: histogram counts (up to
    /// 3 MB each) and 1 MB read buffers. A freshly allocated large array costs a page fault per 4 KB the first
    /// time it is written, and the collector hands such memory back to the system between runs; on a
    /// virtual machine where page faults are dear that cost more than parsing a 10 MB data set. At most
    /// <see cref="MaxRetainedBytes"/> stay alive per element type; arrays are zeroed when they come back.
    /// </summary>
    internal static class RetainedArrays<T>
    {
        /// <summary>Upper bound of what is kept alive between runs, per element type.</summary>
        public const long MaxRetainedBytes = 16L << 20;

        private static readonly object Gate = new object();
        private static readonly List<T[]> Free = new List<T[]>();
        private static readonly int ElementSize = System.Runtime.InteropServices.Marshal.SizeOf(typeof(T));
        private static long _retainedBytes;

        /// <summary>A zeroed array of at least <paramref name="minimumLength"/> elements (the smallest kept one that fits, or a new one).</summary>
        public static T[] Rent(int minimumLength)
        {
            lock (Gate)
            {
                int best = -1;
                for (int i = 0; i < Free.Count; i++)
                {
                    int length = Free[i].Length;
                    if (length >= minimumLength && (best < 0 || length < Free[best].Length)) best = i;
                }
                if (best >= 0)
                {
                    T[] found = Free[best];
                    Free.RemoveAt(best);
                    _retainedBytes -= (long)found.Length * ElementSize;
                    return found;
                }
            }
            return new T[minimumLength];
        }

        /// <summary>Zeroes an array nobody uses any more and keeps it if there is room; the caller must not touch it again.</summary>
        public static void Return(T[] array)
        {
            if (array == null) return;
            long bytes = (long)array.Length * ElementSize;
            Array.Clear(array, 0, array.Length);
            lock (Gate)
            {
                if (_retainedBytes + bytes > MaxRetainedBytes)
                {
                    // Keep the larger arrays: they are the ones whose allocation is dear.
                    int smallest = -1;
                    for (int i = 0; i < Free.Count; i++)
                        if (smallest < 0 || Free[i].Length < Free[smallest].Length) smallest = i;
                    if (smallest < 0 || Free[smallest].Length >= array.Length) return;
                    _retainedBytes -= (long)Free[smallest].Length * ElementSize;
                    Free.RemoveAt(smallest);
                    if (_retainedBytes + bytes > MaxRetainedBytes) return;
                }
                Free.Add(array);
                _retainedBytes += bytes;
            }
        }

        /// <summary>For tests: what is kept now.</summary>
        internal static long RetainedBytes
        {
            get { lock (Gate) return _retainedBytes; }
        }
    }
}
