using System;
using System.Threading;
using ParallelJobs.Statistics;

namespace ParallelJobs.Parsing
{
    /// <summary>
    /// Streaming parser of .qual files (phred/phrap/454 sffinfo output): a '>' header line starts a record,
    /// whose scores are whitespace-separated integers over any number of lines.
    /// <list type="bullet">
    /// <item>text before the first '>' is skipped (as Biopython does);</item>
    /// <item>a token that is not an integer is an error;</item>
    /// <item>a negative score is an error (Biopython turns it into 0 with a warning; silently changing data
    /// is what this module promises not to do), and so is a score above 93;</item>
    /// <item>a record with no scores is valid: a read of length 0.</item>
    /// </list>
    /// Scores go straight into the histogram; numbers are parsed from bytes, nothing is allocated per line.
    /// </summary>
    internal static class QualReader
    {
        /// <summary>Reads every record into <paramref name="histogram"/>; returns the number of records.</summary>
        public static long Read(LineChunkReader reader, QualityHistogram histogram, CancellationToken cancellationToken) =>
            Read(reader, histogram, cancellationToken, long.MaxValue, out _);

        /// <summary>
        /// A byte range of a file: parsing stops before the first header line that starts at or after
        /// <paramref name="stopAt"/> (file offset); <paramref name="endOffset"/> is where it stopped, or the end of the data.
        /// </summary>
        internal static unsafe long Read(LineChunkReader reader, QualityHistogram histogram, CancellationToken cancellationToken, long stopAt, out long endOffset)
        {
            endOffset = -1;
            if (reader == null) throw new ArgumentNullException(nameof(reader));
            if (histogram == null) throw new ArgumentNullException(nameof(histogram));

            bool inRecord = false;
            bool inHeader = false;
            long records = 0;
            int position = 0;           // scores so far in the current record
            int value = 0;
            int digits = 0;
            bool negative = false;
            long chunksSinceCheck = 0;
            // Positions below this limit fit in the histogram as it is; beyond it EnsureLength grows or coarsens.
            int limit = histogram.ColumnCapacity << histogram.Shift;
            byte[] buffer = reader.Buffer;

            while (reader.Next(out int offset, out int count, out bool lineStart, out bool lineEnd))
            {
                if ((++chunksSinceCheck & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();

                if (lineStart)
                {
                    inHeader = count > 0 && buffer[offset] == (byte)'>';
                    if (inHeader)
                    {
                        if (inRecord) { histogram.AddRead(position); records++; }
                        if (stopAt != long.MaxValue && reader.OffsetOf(offset) >= stopAt)
                        {
                            endOffset = reader.OffsetOf(offset);
                            inRecord = false;
                            break; // the next byte range starts with this record
                        }
                        inRecord = true;
                        position = 0;
                    }
                }
                if (inHeader || !inRecord) continue;

                long line = reader.LineNumber;
                int shift = histogram.Shift;
                long[] countsArray = histogram.Counts;
                fixed (byte* bytes = &buffer[0])
                {
                    byte* p = bytes + offset;
                    byte* end = p + count;
                    if (digits == 0 && !negative && shift == 0)
                    {
                        // Fast path for the usual layout, one- or two-digit scores separated by single spaces, at
                        // exact positions: whole tokens at a time instead of a state machine per byte. Anything
                        // else (tabs, the last token of a line, three digits, errors, binned positions of very long
                        // reads) falls through to the general loop below, which starts from the same state.
                        fixed (long* counts = &countsArray[0])
                        {
                            // Exact positions (the usual case): walk the columns with a pointer.
                            long* column = counts + (long)position * QualityHistogram.ScoreCount;
                            long* lastColumn = counts + (long)limit * QualityHistogram.ScoreCount;
                            while (p + 3 <= end && column < lastColumn)
                            {
                                uint d0 = (uint)(p[0] - '0');
                                if (d0 > 9)
                                {
                                    if (p[0] != (byte)' ') break;
                                    p++;
                                    continue;
                                }
                                uint d1 = (uint)(p[1] - '0');
                                int score;
                                if (d1 > 9)
                                {
                                    if (p[1] != (byte)' ') break;
                                    score = (int)d0;
                                    p += 2;
                                }
                                else
                                {
                                    score = (int)(d0 * 10 + d1);
                                    if (p[2] != (byte)' ' || score > QualityHistogram.MaxScore) break;
                                    p += 3;
                                }
                                column[score]++;
                                column += QualityHistogram.ScoreCount;
                            }
                            position = (int)((column - counts) / QualityHistogram.ScoreCount);
                        }
                    }
                    for (; p < end; p++)
                    {
                        uint digit = (uint)(*p - '0');
                        if (digit <= 9)
                        {
                            // Digits are counted rather than the value capped: cheaper, and 20-digit tokens cannot wrap around.
                            value = value * 10 + (int)digit;
                            digits++;
                            continue;
                        }
                        byte b = *p;
                        if (b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r' || b == 11 || b == 12)
                        {
                            if (digits != 0 && digits <= 2 && !negative && position < limit)
                            {
                                // The common case: a one- or two-digit score (always <= 99).
                                if (value <= QualityHistogram.MaxScore)
                                {
                                    countsArray[(position >> shift) * QualityHistogram.ScoreCount + value]++;
                                    position++;
                                    value = 0; digits = 0;
                                    continue;
                                }
                            }
                            if (digits != 0 || negative)
                            {
                                EmitChecked(ref position, ref limit, ref shift, ref countsArray, histogram, value, digits, negative, line, records);
                                value = 0; digits = 0; negative = false;
                            }
                            continue;
                        }
                        if (b == (byte)'-' && digits == 0 && !negative)
                        {
                            negative = true;
                            continue;
                        }
                        throw new QualityFormatException(line, FastqReader.Describe(b) + " in a score: scores must be whole numbers separated by white space", records);
                    }
                }
                if (lineEnd && (digits != 0 || negative))
                {
                    EmitChecked(ref position, ref limit, ref shift, ref countsArray, histogram, value, digits, negative, line, records);
                    value = 0; digits = 0; negative = false;
                }
            }

            if (inRecord) { histogram.AddRead(position); records++; }
            if (endOffset < 0) endOffset = reader.OffsetOf(reader.WindowEnd);
            return records;
        }

        private static void EmitChecked(ref int position, ref int limit, ref int shift, ref long[] counts, QualityHistogram histogram,
            int value, int digits, bool negative, long line, long records)
        {
            if (digits == 0) throw new QualityFormatException(line, "'-' is not a score", records);
            if (negative) throw new QualityFormatException(line, "negative score -" + value + " (scores are 0..93)", records);
            if (digits > 9 || value > QualityHistogram.MaxScore) throw new QualityFormatException(line, "score " + (digits > 9 ? "of " + digits + " digits" : value.ToString()) + " is above 93, the highest Phred score", records);
            if (position >= limit)
            {
                histogram.EnsureLength(position + 1);
                shift = histogram.Shift;
                counts = histogram.Counts;
                limit = histogram.ColumnCapacity << shift;
            }
            counts[(position >> shift) * QualityHistogram.ScoreCount + value]++;
            position++;
        }
    }
}
