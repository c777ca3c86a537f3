using System;
using System.IO;

namespace ParallelJobs.Parsing
{
    /// <summary>
    /// Reads a byte stream as lines, handed out as segments of one large reusable buffer, so parsing
    /// allocates nothing per line. A line longer than the buffer (a 2 Mbp nanopore read) arrives as several
    /// chunks, which is why memory does not depend on read length. A trailing '\r' (CRLF files) is dropped.
    /// </summary>
    internal sealed class LineChunkReader
    {
        private readonly Stream _stream;
        private readonly byte[] _buffer;
        private int _start;
        private int _end;
        private bool _endOfStream;
        private bool _atLineStart = true;

        public LineChunkReader(Stream stream, byte[] buffer) : this(stream, buffer, 0)
        {
        }

        /// <summary>A reader whose stream starts at <paramref name="baseOffset"/> of a file (a byte range of it), for <see cref="OffsetOf"/>.</summary>
        internal LineChunkReader(Stream stream, byte[] buffer, long baseOffset)
        {
            _stream = stream ?? throw new ArgumentNullException(nameof(stream));
            _buffer = buffer ?? throw new ArgumentNullException(nameof(buffer));
            if (buffer.Length < 2) throw new ArgumentException("The buffer must hold at least two bytes.", nameof(buffer));
            _baseOffset = baseOffset;
        }

        private readonly long _baseOffset;

        /// <summary>A reader whose buffer already holds the stream's first <paramref name="filled"/> bytes (read to look at them).</summary>
        internal static LineChunkReader Prefilled(Stream stream, byte[] buffer, int filled)
        {
            var reader = new LineChunkReader(stream, buffer);
            if (filled < 0 || filled > buffer.Length) throw new ArgumentOutOfRangeException(nameof(filled));
            reader._end = filled;
            reader.BytesRead = filled;
            return reader;
        }

        /// <summary>Offset in the file of the byte at <paramref name="bufferIndex"/> of <see cref="Buffer"/> (valid for the window).</summary>
        internal long OffsetOf(int bufferIndex) => _baseOffset + BytesRead - (_end - bufferIndex);

        public byte[] Buffer => _buffer;

        /// <summary>1-based number of the line the last chunk belongs to (0 before the first chunk).</summary>
        public long LineNumber { get; private set; }

        /// <summary>Bytes consumed from the stream so far.</summary>
        public long BytesRead { get; private set; }

        /// <summary>
        /// Next piece of the current line: bytes [offset, offset+count) of <see cref="Buffer"/>, valid until the
        /// next call. lineStart: the chunk begins a line; lineEnd: the line ends with this chunk.
        /// Returns false at the end of the data.
        /// </summary>
        // Optimized from its first call, for the same reason as the .qual parser's loop that calls it once per line.
        [System.Runtime.CompilerServices.MethodImpl(Scanning.ByteScan.AggressiveOptimization)]
        public bool Next(out int offset, out int count, out bool lineStart, out bool lineEnd)
        {
            while (true)
            {
                if (_start < _end)
                {
                    int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                    if (newline >= 0)
                    {
                        offset = _start;
                        count = newline - _start;
                        if (count > 0 && _buffer[newline - 1] == (byte)'\r') count--;
                        _start = newline + 1;
                        return EmitLineEnd(out lineStart, out lineEnd);
                    }
                    if (_endOfStream)
                    {
                        offset = _start;
                        count = _end - _start;
                        if (count > 0 && _buffer[_end - 1] == (byte)'\r') count--;
                        _start = _end;
                        return EmitLineEnd(out lineStart, out lineEnd);
                    }
                    if (_start > 0)
                    {
                        System.Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                        _end -= _start;
                        _start = 0;
                    }
                    if (_end == _buffer.Length)
                    {
                        // A line longer than the buffer: hand out all but the last byte, which may be the '\r'
                        // of a CRLF whose '\n' has not been read yet. It is moved to the front on the next call.
                        offset = 0;
                        count = _end - 1;
                        _start = _end - 1;
                        lineStart = _atLineStart;
                        if (_atLineStart) LineNumber++;
                        _atLineStart = false;
                        lineEnd = false;
                        return true;
                    }
                    Fill();
                }
                else
                {
                    if (_endOfStream) { offset = count = 0; lineStart = lineEnd = false; return false; }
                    _start = _end = 0;
                    Fill();
                }
            }
        }

        private bool EmitLineEnd(out bool lineStart, out bool lineEnd)
        {
            lineStart = _atLineStart;
            if (_atLineStart) LineNumber++;
            _atLineStart = true;
            lineEnd = true;
            return true;
        }

        /// <summary>True when the next chunk starts a line.</summary>
        internal bool AtLineStart => _atLineStart;

        /// <summary>Bytes read but not handed out yet: [<see cref="WindowStart"/>, <see cref="WindowEnd"/>) of <see cref="Buffer"/>.</summary>
        internal int WindowStart => _start;

        internal int WindowEnd => _end;

        /// <summary>
        /// For a parser that read whole lines straight from the window (at a line start): they end just before
        /// <paramref name="newStart"/>, which is again a line start, and there were <paramref name="lines"/> of them.
        /// </summary>
        internal void Consume(int newStart, long lines)
        {
            if (!_atLineStart || newStart < _start || newStart > _end) throw new InvalidOperationException("Consume must stay inside the window, at a line start.");
            _start = newStart;
            LineNumber += lines;
            LinesConsumed += lines;
        }

        /// <summary>Lines a parser read straight from the window (<see cref="Consume"/>): how much a fast path took, for tests.</summary>
        internal long LinesConsumed { get; private set; }

        private void Fill()
        {
            int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read <= 0) _endOfStream = true;
            else { _end += read; BytesRead += read; }
        }
    }
}
