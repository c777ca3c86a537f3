using System;
using System.Numerics;
using System.Threading;
using ParallelJobs.Statistics;

namespace ParallelJobs.Parsing
{
    /// <summary>
    /// Strict streaming FASTQ parser that counts quality characters per position into a histogram.
    /// <para>
    /// Record rules (those of Biopython's FastqGeneralIterator, which the published malformed-file set was
    /// written against): a record starts with an '@' title line; sequence lines follow until a line starting
    /// with '+'; the '+' line is empty or repeats the title; quality lines follow until their total length
    /// reaches the sequence length and the next line starts with '@' (so a quality line may itself start
    /// with '@' or '+', and records may wrap over several lines). Sequence lines may not hold whitespace or
    /// control characters; quality characters must be '!'..'~' (33..126). Blank lines between records are
    /// allowed. CRLF line ends are accepted.
    /// </para>
    /// <para>
    /// The histogram is indexed by (character − 33); the caller converts to scores once the file's offset is
    /// known (<see cref="PhredOffsetDetection"/>), so a file is read only once. Lines never need to fit in
    /// memory: a 2 Mbp read streams through in chunks.
    /// </para>
    /// </summary>
    internal static class FastqReader
    {
        private enum State { ExpectTitle, Title, Sequence, Plus, Quality }

        /// <summary>
        /// Reads every record into <paramref name="histogram"/> (indexes = character − 33). Throws
        /// <see cref="QualityFormatException"/> at the first defect.
        /// </summary>
        public static FastqScan Read(LineChunkReader reader, QualityHistogram histogram, int? forcedOffset, CancellationToken cancellationToken) =>
            Read(reader, histogram, forcedOffset, cancellationToken, fastPath: true, long.MaxValue, out _);

        /// <summary>fastPath false: line by line only, the reference the fast path is tested against.</summary>
        internal static FastqScan Read(LineChunkReader reader, QualityHistogram histogram, int? forcedOffset, CancellationToken cancellationToken, bool fastPath) =>
            Read(reader, histogram, forcedOffset, cancellationToken, fastPath, long.MaxValue, out _);

        /// <summary>
        /// A byte range of a file: the reader starts at a record (or at the file's start), and parsing stops
        /// before the first record whose title line starts at or after <paramref name="stopAt"/> (file offset,
        /// see <see cref="LineChunkReader.OffsetOf"/>). <paramref name="endOffset"/>: where it stopped (that
        /// title line), or the end of the data.
        /// </summary>
        internal static unsafe FastqScan Read(LineChunkReader reader, QualityHistogram histogram, int? forcedOffset, CancellationToken cancellationToken,
            bool fastPath, long stopAt, out long endOffset)
        {
            endOffset = -1;
            if (reader == null) throw new ArgumentNullException(nameof(reader));
            if (histogram == null) throw new ArgumentNullException(nameof(histogram));

            // With -PhredOffset 64 characters below '@' are rejected where they occur.
            int lowest = forcedOffset == 64 ? 64 - 33 : 0;
            int span = QualityHistogram.MaxScore - lowest;

            var state = State.ExpectTitle;
            byte[] title = new byte[256];
            int titleLength = 0;
            int plusLength = 0;
            bool plusMatches = true;
            int sequenceLength = 0;
            int qualityLength = 0;
            long records = 0;
            long recordLine = 0;
            long chunksSinceCheck = 0;

            byte[] buffer = reader.Buffer;
            while (true)
            {
                // Between records, whole four-line records still in the buffer take the fast path; whatever it
                // does not take (wrapped lines, anything wrong, a record cut by the buffer's end) comes
                // line by line below, which gives the same results and says what is wrong.
                if (fastPath && reader.AtLineStart && (state == State.ExpectTitle || (state == State.Quality && qualityLength == sequenceLength))
                    && reader.WindowEnd > reader.WindowStart)
                {
                    FastRecords(reader, histogram, lowest, stopAt, ref state, ref sequenceLength, ref qualityLength, ref records, ref recordLine, cancellationToken);
                }
                if (!reader.Next(out int offset, out int count, out bool lineStart, out bool lineEnd)) break;
                if ((++chunksSinceCheck & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
                long line = reader.LineNumber;

                if (lineStart)
                {
                    if (state == State.Quality && count > 0 && buffer[offset] == (byte)'@' && qualityLength >= sequenceLength)
                    {
                        histogram.AddRead(sequenceLength);
                        records++;
                        state = State.ExpectTitle;
                    }
                    if (state == State.ExpectTitle)
                    {
                        if (count == 0) continue; // blank line between records or at the end
                        if (buffer[offset] != (byte)'@')
                            throw new QualityFormatException(line, "expected a title line starting with '@', found " + Describe(buffer[offset]), records);
                        if (stopAt != long.MaxValue && reader.OffsetOf(offset) >= stopAt)
                        {
                            endOffset = reader.OffsetOf(offset);
                            break; // the next byte range starts with this record
                        }
                        state = State.Title;
                        recordLine = line;
                        titleLength = 0;
                        offset++;
                        count--;
                    }
                    else if (state == State.Sequence && count > 0 && buffer[offset] == (byte)'+')
                    {
                        state = State.Plus;
                        plusLength = 0;
                        plusMatches = true;
                        offset++;
                        count--;
                        histogram.EnsureLength(sequenceLength);
                    }
                }

                switch (state)
                {
                    case State.Title:
                        if (titleLength + count > title.Length) Array.Resize(ref title, Math.Max(title.Length * 2, titleLength + count));
                        System.Buffer.BlockCopy(buffer, offset, title, titleLength, count);
                        titleLength += count;
                        if (lineEnd) { state = State.Sequence; sequenceLength = 0; }
                        break;

                    case State.Sequence:
                        if (HasNonGraphic(buffer, offset, count, out int bad))
                            throw new QualityFormatException(line, Describe(buffer[bad]) + " in the sequence of the record at line " + recordLine, records);
                        sequenceLength += count;
                        break;

                    case State.Plus:
                        if (plusMatches)
                        {
                            if (plusLength + count > titleLength) plusMatches = false;
                            else
                            {
                                for (int i = 0; i < count; i++)
                                {
                                    if (buffer[offset + i] != title[plusLength + i]) { plusMatches = false; break; }
                                }
                            }
                        }
                        plusLength += count;
                        if (lineEnd)
                        {
                            if (plusLength > 0 && (!plusMatches || plusLength != titleLength))
                                throw new QualityFormatException(line, "the '+' line does not repeat the title of the record at line " + recordLine, records);
                            state = State.Quality;
                            qualityLength = 0;
                        }
                        break;

                    case State.Quality:
                        if (qualityLength + count > sequenceLength)
                        {
                            if (lineStart && buffer[offset] == (byte)'@' && qualityLength < sequenceLength)
                                throw new QualityFormatException(line, "quality is shorter than the sequence (" + qualityLength + " of " + sequenceLength + " characters) in the record at line " + recordLine + "; this '@' line does not fit as quality", records);
                            throw new QualityFormatException(line, "quality is longer than the sequence (" + sequenceLength + " bases) in the record at line " + recordLine, records);
                        }
                        fixed (byte* bytes = &buffer[0])
                        fixed (long* counts = &histogram.Counts[0])
                        {
                            byte* p = bytes + offset;
                            byte* end = p + count;
                            int shift = histogram.Shift;
                            int position = qualityLength;
                            if (shift == 0)
                            {
                                long* column = counts + (long)position * QualityHistogram.ScoreCount;
                                for (; p < end; p++, column += QualityHistogram.ScoreCount)
                                {
                                    int index = *p - 33;
                                    if ((uint)(index - lowest) > (uint)span) throw BadQuality(*p, line, records, forcedOffset);
                                    column[index]++;
                                }
                            }
                            else
                            {
                                for (; p < end; p++, position++)
                                {
                                    int index = *p - 33;
                                    if ((uint)(index - lowest) > (uint)span) throw BadQuality(*p, line, records, forcedOffset);
                                    counts[(long)(position >> shift) * QualityHistogram.ScoreCount + index]++;
                                }
                            }
                        }
                        qualityLength += count;
                        break;
                }
            }

            if (endOffset < 0) endOffset = reader.OffsetOf(reader.WindowEnd);
            switch (state)
            {
                case State.Title:
                    throw new QualityFormatException(reader.LineNumber, "the file ends inside the title line of the record at line " + recordLine, records);
                case State.Sequence:
                    throw new QualityFormatException(reader.LineNumber, "the file ends before the '+' line of the record at line " + recordLine, records);
                case State.Plus:
                    throw new QualityFormatException(reader.LineNumber, "the file ends inside the '+' line of the record at line " + recordLine, records);
                case State.Quality:
                    if (qualityLength != sequenceLength)
                        throw new QualityFormatException(reader.LineNumber, "the file ends inside the quality of the record at line " + recordLine + " (" + qualityLength + " of " + sequenceLength + " characters)", records);
                    histogram.AddRead(sequenceLength);
                    records++;
                    break;
            }

            // The range of quality characters, from the histogram rather than per byte in the hot loop.
            int lowestIndex = -1, highestIndex = -1;
            int columns = Math.Min(histogram.ColumnCount, histogram.ColumnCapacity);
            long[] all = histogram.Counts;
            for (int index = 0; index < QualityHistogram.ScoreCount && lowestIndex < 0; index++)
                for (int c = 0; c < columns; c++)
                    if (all[c * QualityHistogram.ScoreCount + index] != 0) { lowestIndex = index; break; }
            for (int index = QualityHistogram.MaxScore; index >= 0 && highestIndex < 0; index--)
                for (int c = 0; c < columns; c++)
                    if (all[c * QualityHistogram.ScoreCount + index] != 0) { highestIndex = index; break; }
            return new FastqScan(records,
                highestIndex < 0 ? (byte)0 : (byte)(lowestIndex + 33),
                highestIndex < 0 ? (byte)0 : (byte)(highestIndex + 33));
        }

        /// <summary>True when a byte is a space, a control character or not ASCII.</summary>
        private static unsafe bool HasNonGraphic(byte[] buffer, int offset, int count, out int position)
        {
            fixed (byte* start = &buffer[0])
            {
                bool bad = !AllWithin(start + offset, count, 33, out byte* at);
                position = bad ? (int)(at - start) : -1;
                return bad;
            }
        }

        /// <summary>
        /// True when every byte of [p, p+count) lies in [low, 126] (low at most 128); else false, with the first
        /// byte outside. A vector at a time where the machine has vectors (the last one overlapping), else sixteen
        /// bytes at a time, while they are all in range; then byte by byte to find the one outside.
        /// </summary>
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
        /// The fast path: whole records of exactly four lines (title, sequence, '+' line, quality as long as the
        /// sequence; each line ending in LF or CRLF) that lie in the reader's window, read straight from it. Called
        /// at a line start between records. It stops, without consuming the record, at anything else (a
        /// wrapped record, any defect, a record cut by the end of the buffer), and the line-by-line parser
        /// takes over from the same place. Leaves the state as that parser would after the last quality line.
        /// </summary>
        private static unsafe void FastRecords(LineChunkReader reader, QualityHistogram histogram, int lowest, long stopAt,
            ref State state, ref int sequenceLength, ref int qualityLength, ref long records, ref long recordLine, CancellationToken cancellationToken)
        {
            if (histogram.Shift != 0) return; // binned columns (very long reads): line by line
            byte[] buffer = reader.Buffer;
            int end = reader.WindowEnd;
            int capacity = histogram.ColumnCapacity;
            long firstLine = reader.LineNumber + 1;
            long lines = 0;
            int pos = reader.WindowStart;
            int length = state == State.Quality ? sequenceLength : -1; // the usual length, tried before searching
            fixed (byte* b = &buffer[0])
            fixed (long* counts = &histogram.Counts[0])
            {
                long* shifted = counts - 33; // column 0, indexed by the character itself
                long stopIndex = stopAt - reader.OffsetOf(0); // buffer index of stopAt (may lie beyond the buffer)
                while (pos < end && b[pos] == (byte)'@' && pos < stopIndex)
                {
                    // Each line as LineChunkReader hands it out: up to its '\n', without a '\r' just before it.
                    int titleNewline = IndexOfNewline(b, pos + 1, end);
                    if (titleNewline < 0) break;
                    int titleLength = ContentEnd(b, pos + 1, titleNewline) - pos - 1;
                    int sequenceStart = titleNewline + 1;
                    int sequenceEnd, plusStart;
                    if (length > 0 && (plusStart = AfterLineEnd(b, sequenceStart + length, end)) >= 0
                        && AllWithin(b + sequenceStart, length, 33, out _))
                    {
                        sequenceEnd = sequenceStart + length;
                    }
                    else
                    {
                        if (sequenceStart >= end) break;
                        int sequenceNewline = IndexOfNewline(b, sequenceStart, end);
                        if (sequenceNewline < 0) break;
                        sequenceEnd = ContentEnd(b, sequenceStart, sequenceNewline);
                        if (sequenceEnd <= sequenceStart || !AllWithin(b + sequenceStart, sequenceEnd - sequenceStart, 33, out _)) break;
                        plusStart = sequenceNewline + 1;
                    }
                    int n = sequenceEnd - sequenceStart;
                    // A line starting with '+' ends the sequence, so it cannot be one; and the line-by-line parser makes room for long reads.
                    if (b[sequenceStart] == (byte)'+' || n > capacity) break;
                    if (plusStart >= end || b[plusStart] != (byte)'+') break;
                    int qualityStart = AfterLineEnd(b, plusStart + 1, end);
                    if (qualityStart < 0)
                    {
                        // The '+' line repeats the title.
                        qualityStart = AfterLineEnd(b, plusStart + 1 + titleLength, end);
                        if (qualityStart < 0 || !SameBytes(b + pos + 1, b + plusStart + 1, titleLength)) break;
                    }
                    int next = AfterLineEnd(b, qualityStart + n, end);
                    if (next < 0 || !AllWithin(b + qualityStart, n, 33 + lowest, out _)) break;

                    // Checked above, so the counting loop is only loads and increments.
                    byte* p = b + qualityStart;
                    byte* stop = p + n;
                    long* column = shifted;
                    // Four at a time: one increment per byte is the floor, and the loop's own bookkeeping is shared.
                    const int S = QualityHistogram.ScoreCount;
                    for (; p + 4 <= stop; p += 4, column += 4 * S)
                    {
                        column[p[0]]++;
                        column[S + p[1]]++;
                        column[2 * S + p[2]]++;
                        column[3 * S + p[3]]++;
                    }
                    for (; p < stop; p++, column += S) column[*p]++;

                    // The previous record ended where this one's title began, as the line-by-line parser decides.
                    if (state == State.Quality) { histogram.AddRead(sequenceLength); records++; }
                    state = State.Quality;
                    sequenceLength = qualityLength = n;
                    recordLine = firstLine + lines;
                    lines += 4;
                    length = n;
                    pos = next;
                }
            }
            if (lines > 0)
            {
                reader.Consume(pos, lines);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        /// <summary>
        /// Where the next line starts when a line's content ends at b[contentEnd]: after "\n" or "\r\n" there;
        /// -1 when neither is there, before <paramref name="end"/>.
        /// </summary>
        private static unsafe int AfterLineEnd(byte* b, int contentEnd, int end)
        {
            if (contentEnd < end && b[contentEnd] == (byte)'\n') return contentEnd + 1;
            if (contentEnd + 1 < end && b[contentEnd] == (byte)'\r' && b[contentEnd + 1] == (byte)'\n') return contentEnd + 2;
            return -1;
        }

        /// <summary>The end of the content of the line [start, newline): a '\r' before the '\n' is not part of it (CRLF files).</summary>
        private static unsafe int ContentEnd(byte* b, int start, int newline) =>
            newline > start && b[newline - 1] == (byte)'\r' ? newline - 1 : newline;

        private static QualityFormatException BadQuality(byte b, long line, long records, int? forcedOffset)
        {
            if (forcedOffset == 64 && b >= 33 && b < 64)
                return new QualityFormatException(line, "quality character " + Describe(b) + " is below '@', the lowest score of Phred+64 (-PhredOffset 64); Solexa-scaled or Phred+33 data?", records);
            return new QualityFormatException(line, Describe(b) + " in a quality line (allowed: '!'..'~', 33..126)", records);
        }

        internal static string Describe(byte b)
        {
            switch (b)
            {
                case 0: return "NUL (0)";
                case 9: return "a tab (9)";
                case 11: return "a vertical tab (11)";
                case 13: return "a carriage return (13)";
                case 27: return "ESC (27)";
                case 32: return "a space (32)";
                case 127: return "DEL (127)";
            }
            if (b < 32) return "control character " + b;
            if (b > 127) return "byte " + b;
            return "'" + (char)b + "' (" + b + ")";
        }
    }
}
