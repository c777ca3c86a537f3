using System;
using System.IO;

namespace ParallelJobs.Compression
{
    /// <summary>
    /// The compressed bytes of a file, buffered, with the file offset of every byte: gzip reading must know
    /// exactly where each member's deflate data ends, where its trailer is, and where a defect was found.
    /// Bytes are taken from [<see cref="Start"/>, <see cref="End"/>) of <see cref="Buffer"/>; a refill keeps the
    /// last <see cref="Lookbehind"/> bytes taken, so a bit reader can give back the whole bytes it held.
    /// </summary>
    internal sealed class CompressedInput
    {
        /// <summary>Bytes a refill keeps before <see cref="Start"/> (a 64-bit bit buffer holds at most 8).</summary>
        public const int Lookbehind = 8;

        private readonly Stream? _stream;
        private long _bufferOffset;

        public CompressedInput(Stream stream, int bufferSize)
        {
            _stream = stream ?? throw new ArgumentNullException(nameof(stream));
            Buffer = new byte[Math.Max(bufferSize, 4 * Lookbehind)];
        }

        /// <summary>
        /// Bytes already in memory, data[start, end), the whole input: the first of them at file offset
        /// <paramref name="fileOffset"/> (for positions in messages). Nothing more is read.
        /// </summary>
        public CompressedInput(byte[] data, int start, int end, long fileOffset)
        {
            Buffer = data ?? throw new ArgumentNullException(nameof(data));
            if (start < 0 || end < start || end > data.Length) throw new ArgumentOutOfRangeException(nameof(end));
            Start = start;
            End = end;
            _bufferOffset = fileOffset - start;
            AtEnd = true;
        }

        public byte[] Buffer { get; }
        public int Start;
        public int End;

        /// <summary>True once the stream has returned its end.</summary>
        public bool AtEnd { get; private set; }

        /// <summary>File offset of the next byte to take.</summary>
        public long Position => _bufferOffset + Start;

        public int Available => End - Start;

        /// <summary>Reads more bytes after <see cref="End"/>; false (and nothing read) at the end of the stream.</summary>
        public bool Fill()
        {
            if (AtEnd) return false;
            if (Start > Lookbehind)
            {
                int keep = Math.Min(Start, Lookbehind);
                int from = Start - keep;
                System.Buffer.BlockCopy(Buffer, from, Buffer, 0, End - from);
                _bufferOffset += from;
                Start -= from;
                End -= from;
            }
            int read = _stream == null ? 0 : _stream.Read(Buffer, End, Buffer.Length - End);
            if (read <= 0)
            {
                AtEnd = true;
                return false;
            }
            End += read;
            return true;
        }

        /// <summary>The next byte, or -1 at the end of the stream.</summary>
        public int ReadByte()
        {
            if (Start == End && !Fill()) return -1;
            return Buffer[Start++];
        }

        /// <summary>Gives back the last <paramref name="count"/> bytes taken (at most <see cref="Lookbehind"/>).</summary>
        public void Unread(int count)
        {
            if (count < 0 || count > Lookbehind || count > Start) throw new InvalidOperationException("cannot give back " + count + " bytes");
            Start -= count;
        }
    }
}
