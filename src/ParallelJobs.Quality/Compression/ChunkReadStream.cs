using System;
using System.IO;
using System.Runtime.ExceptionServices;

namespace ParallelJobs.Compression
{
    /// <summary>
    /// A forward-only stream over buffers that other threads fill (<see cref="ReadAheadStream"/>,
    /// <see cref="BgzfParallelStream"/>): the reader copies out of the current chunk, and when it is used up hands its
    /// buffer back and takes the next in order. A chunk may carry the producer's exception, thrown to the reader
    /// once every byte before it is read, and may be the last.
    /// </summary>
    internal abstract class ChunkReadStream : ForwardReadStream
    {
        private Chunk _current;
        private int _position;
        private bool _atEnd;

        protected struct Chunk
        {
            public byte[]? Buffer;
            public int Count;
            /// <summary>The producer's exception, thrown once the bytes before it are read.</summary>
            public ExceptionDispatchInfo? Failure;
            /// <summary>Nothing follows this chunk.</summary>
            public bool End;
        }

        protected bool IsDisposed { get; private set; }

        /// <summary>The producer's exception in the chunk being read, if any.</summary>
        protected ExceptionDispatchInfo? CurrentFailure => _current.Failure;

        /// <summary>
        /// Takes back <paramref name="finished"/> (the buffer just read to its end; null for none) and waits for the
        /// next chunk in order. False when nothing more comes (the producer was stopped before the end).
        /// </summary>
        protected abstract bool NextChunk(byte[]? finished, out Chunk next);

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (IsDisposed) throw new ObjectDisposedException(GetType().Name);
            if (buffer == null) throw new ArgumentNullException(nameof(buffer));
            if (offset < 0 || count < 0 || offset + count > buffer.Length) throw new ArgumentOutOfRangeException(nameof(count));
            if (count == 0) return 0;
            while (true)
            {
                if (_current.Buffer != null && _position < _current.Count)
                {
                    int n = Math.Min(count, _current.Count - _position);
                    System.Buffer.BlockCopy(_current.Buffer, _position, buffer, offset, n);
                    _position += n;
                    return n;
                }
                if (_current.Failure != null) _current.Failure.Throw();
                if (_atEnd || _current.End)
                {
                    _atEnd = true;
                    return 0;
                }
                byte[]? finished = _current.Buffer;
                _current = default;
                if (!NextChunk(finished, out var next))
                {
                    _atEnd = true;
                    return 0;
                }
                _current = next;
                _position = 0;
            }
        }

        public override bool CanRead => !IsDisposed;

        /// <summary>Stops the producers and frees their buffers (<see cref="IsDisposed"/> is already true).</summary>
        protected abstract void StopProducing();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !IsDisposed)
            {
                IsDisposed = true;
                StopProducing();
            }
            base.Dispose(disposing);
        }
    }
}
