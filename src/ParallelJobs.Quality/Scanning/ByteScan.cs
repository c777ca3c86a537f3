using System.Numerics;
using System.Runtime.CompilerServices;

namespace ParallelJobs.Scanning
{
    /// <summary>
    /// Byte scans of the parsers: line ends, ranges of allowed bytes, equal runs. Each walks a vector at a time
    /// where the machine has vectors, then eight or sixteen bytes in a machine word, then single bytes; none
    /// allocates or calls out, so they are cheap enough for every record of a file.
    /// </summary>
    internal static class ByteScan
    {
        /// <summary>
        /// MethodImplOptions.AggressiveOptimization, absent from netstandard2.0 (.NET Framework ignores it). For the
        /// small methods the parsers call once per record or line: under tiered compilation they would run
        /// unoptimized (tier 0, nothing inlined, vectors not intrinsic) for the first few hundred megabytes of a
        /// run, since the runtime delays promotion while new methods keep being compiled; the first files of a run
        /// took half as long again. Not for the parsers' own loops, which on-stack replacement optimizes soon and
        /// which run measurably slower compiled this way.
        /// </summary>
        internal const MethodImplOptions AggressiveOptimization = (MethodImplOptions)512;

        /// <summary>
        /// Index in <paramref name="buffer"/> of the first byte of [offset, offset+count) that is a space, a control
        /// character or not ASCII; -1 when there is none.
        /// </summary>
        internal static unsafe int FirstNonGraphic(byte[] buffer, int offset, int count)
        {
            fixed (byte* start = &buffer[0])
            {
                return AllWithin(start + offset, count, 33, out byte* at) ? -1 : (int)(at - start);
            }
        }

        /// <summary>
        /// True when every byte of [p, p+count) lies in [low, 126] (low at most 128); else false, with the first
        /// byte outside. A vector at a time where the machine has vectors (the last one overlapping), else sixteen
        /// bytes at a time, while they are all in range; then byte by byte to find the one outside.
        /// </summary>
        [MethodImpl(AggressiveOptimization)]
        internal static unsafe bool AllWithin(byte* p, int count, int low, out byte* outside)
        {
            const ulong ones = 0x0101010101010101UL;
            const ulong highs = 0x8080808080808080UL;
            ulong lows = ones * (ulong)low;
            byte* end = p + count;
            if (Vector.IsHardwareAccelerated && count >= Vector<byte>.Count && low <= 126)
            {
                // A byte below low wraps round to a large value, so one unsigned comparison checks both ends.
                var lowest = new Vector<byte>((byte)low);
                var span = new Vector<byte>((byte)(126 - low));
                byte* last = end - Vector<byte>.Count;
                for (; p <= last; p += Vector<byte>.Count)
                    if (Vector.GreaterThanAny(*(Vector<byte>*)p - lowest, span)) break;
                if (p > last)
                {
                    // The tail: the last whole vector, overlapping bytes already checked.
                    if (!Vector.GreaterThanAny(*(Vector<byte>*)last - lowest, span))
                    {
                        outside = null;
                        return true;
                    }
                    p = last;
                }
            }
            for (; p + 16 <= end; p += 16)
            {
                ulong x = *(ulong*)p;
                ulong y = *(ulong*)(p + 8);
                // A byte below low makes x - low borrow into its top bit; one above 126 (or with its top bit set)
                // sets the top bit of x + 1 or of x.
                ulong bad = ((x - lows) & ~x) | (x + ones) | x | ((y - lows) & ~y) | (y + ones) | y;
                if ((bad & highs) != 0) break;
            }
            for (; p < end; p++)
            {
                if (*p < low || *p > 126)
                {
                    outside = p;
                    return false;
                }
            }
            outside = null;
            return true;
        }

        /// <summary>Index of the first '\n' in b[from..end), or -1: a vector, then eight bytes, at a time, no call.</summary>
        [MethodImpl(AggressiveOptimization)]
        internal static unsafe int IndexOfNewline(byte* b, int from, int end)
        {
            const ulong ones = 0x0101010101010101UL;
            const ulong highs = 0x8080808080808080UL;
            const ulong newlines = ones * (byte)'\n';
            byte* p = b + from;
            byte* stop = b + end;
            if (Vector.IsHardwareAccelerated)
            {
                // Long titles (an Illumina title is about 60 bytes): skip whole vectors without a '\n'.
                var lineEnds = new Vector<byte>((byte)'\n');
                while (p + Vector<byte>.Count <= stop && !Vector.EqualsAny(*(Vector<byte>*)p, lineEnds)) p += Vector<byte>.Count;
            }
            for (; p + 8 <= stop; p += 8)
            {
                ulong x = *(ulong*)p ^ newlines; // a zero byte where there is a '\n'
                if (((x - ones) & ~x & highs) != 0) break;
            }
            for (; p < stop; p++)
            {
                if (*p == (byte)'\n') return (int)(p - b);
            }
            return -1;
        }

        /// <summary>True when x[0..count) and y[0..count) hold the same bytes.</summary>
        [MethodImpl(AggressiveOptimization)]
        internal static unsafe bool SameBytes(byte* x, byte* y, int count)
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; i + Vector<byte>.Count <= count; i += Vector<byte>.Count)
                    if (*(Vector<byte>*)(x + i) != *(Vector<byte>*)(y + i)) return false;
            }
            for (; i + 8 <= count; i += 8)
                if (*(ulong*)(x + i) != *(ulong*)(y + i)) return false;
            for (; i < count; i++)
                if (x[i] != y[i]) return false;
            return true;
        }

        /// <summary>
        /// Where the next line starts when a line's content ends at b[contentEnd]: after "\n" or "\r\n" there;
        /// -1 when neither is there, before <paramref name="end"/>.
        /// </summary>
        internal static unsafe int AfterLineEnd(byte* b, int contentEnd, int end)
        {
            if (contentEnd < end && b[contentEnd] == (byte)'\n') return contentEnd + 1;
            if (contentEnd + 1 < end && b[contentEnd] == (byte)'\r' && b[contentEnd + 1] == (byte)'\n') return contentEnd + 2;
            return -1;
        }

        /// <summary>The end of the content of the line [start, newline): a '\r' before the '\n' is not part of it (CRLF files).</summary>
        internal static unsafe int ContentEnd(byte* b, int start, int newline) =>
            newline > start && b[newline - 1] == (byte)'\r' ? newline - 1 : newline;
    }
}
