using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.ExceptionServices;
using System.Threading;
using ParallelJobs.Statistics;

namespace ParallelJobs.Compression
{
    /// <summary>
    /// Reads a stream on a thread of its own, a few buffers ahead of the reader: decompression (the source, a
    /// <see cref="GzipReader"/>) then runs on one core while the parser runs on another, and the slower of the two
    /// sets the pace instead of their sum. The bytes, and where an exception of the source comes, are exactly those
    /// of reading the source directly: an exception is thrown to the reader after every byte read before it.
    /// <para>
    /// The source is touched only by the read-ahead thread until it has ended (<see cref="StopReadingAhead"/>,
    /// the end of the data, an exception, or <see cref="Dispose"/>); after that the caller may use it again.
    /// </para>
    /// </summary>
    internal sealed class ReadAheadStream : ChunkReadStream
    {
        /// <summary>Bytes of one read-ahead buffer.</summary>
        public const int ChunkSize = 1 << 20;

        /// <summary>Buffers in flight: the parser's and a few filled ones, so neither side waits for the other's jitter.</summary>
        private const int Buffers = 4;

        private readonly Stream _source;
        private readonly object _gate = new object();
        private readonly Queue<Chunk> _ready = new Queue<Chunk>();
        private readonly Stack<byte[]> _free = new Stack<byte[]>();
        private readonly List<byte[]> _owned = new List<byte[]>();
        private readonly Thread _thread;
        private bool _stop;
        private bool _ended;

        public ReadAheadStream(Stream source)
        {
            _source = source ?? throw new ArgumentNullException(nameof(source));
            for (int i = 0; i < Buffers; i++)
            {
                byte[] buffer = RetainedArrays<byte>.Rent(ChunkSize);
                _owned.Add(buffer);
                _free.Push(buffer);
            }
            _thread = new Thread(ReadAhead) { IsBackground = true, Name = "QualityDistribution read-ahead" };
            _thread.Start();
        }

        private void ReadAhead()
        {
            try
            {
                while (true)
                {
                    byte[] buffer;
                    lock (_gate)
                    {
                        while (_free.Count == 0 && !_stop) Monitor.Wait(_gate);
                        if (_stop) return;
                        buffer = _free.Pop();
                    }
                    int filled = 0;
                    ExceptionDispatchInfo? failure = null;
                    try
                    {
                        while (filled < buffer.Length)
                        {
                            int n = _source.Read(buffer, filled, buffer.Length - filled);
                            if (n <= 0) break;
                            filled += n;
                        }
                    }
#pragma warning disable CA1031 // every exception of the source goes to the reader, on its thread
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        failure = ExceptionDispatchInfo.Capture(e);
                    }
                    bool end = failure != null || filled < buffer.Length;
                    lock (_gate)
                    {
                        _ready.Enqueue(new Chunk { Buffer = buffer, Count = filled, Failure = failure, End = end });
                        Monitor.PulseAll(_gate);
                    }
                    if (end) return;
                }
            }
            finally
            {
                lock (_gate)
                {
                    _ended = true;
                    Monitor.PulseAll(_gate);
                }
            }
        }

        protected override bool NextChunk(byte[]? finished, out Chunk next)
        {
            lock (_gate)
            {
                if (finished != null)
                {
                    _free.Push(finished);
                    Monitor.PulseAll(_gate);
                }
                while (_ready.Count == 0 && !_ended) Monitor.Wait(_gate);
                if (_ready.Count == 0)
                {
                    // Stopped before the end (StopReadingAhead): nothing more comes from here.
                    next = default;
                    return false;
                }
                next = _ready.Dequeue();
                return true;
            }
        }

        /// <summary>
        /// Ends the read-ahead thread (it finishes the source read under way) and waits for it, so that the caller
        /// may use the source directly. Throws the source's exception if it met one in what was read ahead.
        /// </summary>
        public void StopReadingAhead()
        {
            Stop();
            CurrentFailure?.Throw();
            lock (_gate)
            {
                foreach (Chunk chunk in _ready)
                    if (chunk.Failure != null) chunk.Failure.Throw();
            }
        }

        private void Stop()
        {
            lock (_gate)
            {
                _stop = true;
                Monitor.PulseAll(_gate);
            }
            if (Thread.CurrentThread != _thread) _thread.Join();
        }

        /// <summary>Stops the read-ahead thread and waits for it; the source stays open (it is the caller's).</summary>
        protected override void StopProducing()
        {
            Stop();
            foreach (byte[] buffer in _owned) RetainedArrays<byte>.Return(buffer);
            _owned.Clear();
        }
    }
}
