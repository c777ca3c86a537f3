using System.Runtime.CompilerServices;
using ParallelJobs.Scanning;
using ParallelJobs.Statistics;

namespace ParallelJobs.Parsing
{
    /// <summary>Where the lines of one plain FASTQ record lie in a buffer (indexes into it).</summary>
    internal readonly struct FastqRecordLines
    {
        public FastqRecordLines(int titleLength, int sequenceStart, int length, int qualityStart, int next)
        {
            TitleLength = titleLength;
            SequenceStart = sequenceStart;
            Length = length;
            QualityStart = qualityStart;
            Next = next;
        }

        /// <summary>Bytes of the title after the '@', without the line end.</summary>
        public int TitleLength { get; }

        public int SequenceStart { get; }

        /// <summary>Length of the sequence, and so of the quality.</summary>
        public int Length { get; }

        public int QualityStart { get; }

        /// <summary>Where the line after the record starts.</summary>
        public int Next { get; }
    }

    /// <summary>
    /// Finds where a plain four-line FASTQ record lies in a buffer, without counting anything: the record
    /// splitter of <see cref="FastqReader"/>'s fast path, which then hands the quality line to
    /// <see cref="QualityHistogram.TryCountCharacters"/>.
    /// <para>
    /// A plain record is an '@' title line; one sequence line, not empty, of bytes '!'..'~', not starting with
    /// '+'; a '+' line that is empty or repeats the title; and as many bytes of quality as the sequence has,
    /// followed by a line end. Every line ends in LF or CRLF inside the buffer. The quality bytes are not
    /// checked here: the histogram accepts only '!'..'~', so a line end among them cannot pass. Anything else
    /// (a wrapped record, a defect, a record cut by the end of the buffer) is not split, and the line-by-line
    /// parser reads it and says what is wrong.
    /// </para>
    /// </summary>
    internal static class FastqRecordSplitter
    {
        /// <summary>
        /// The plain record that starts at b[start] (its '@'), ending before <paramref name="end"/>: true, with where
        /// its lines are. <paramref name="expectedLength"/> (0 for none): the sequence length to try first, which
        /// spares a search for the sequence's line end when reads have one length.
        /// </summary>
        [MethodImpl(ByteScan.AggressiveOptimization)]
        internal static unsafe bool TrySplit(byte* b, int start, int end, int expectedLength, out FastqRecordLines record)
        {
            record = default;
            if (start >= end || b[start] != (byte)'@') return false;
            int titleNewline = ByteScan.IndexOfNewline(b, start + 1, end);
            if (titleNewline < 0) return false;
            int titleLength = ByteScan.ContentEnd(b, start + 1, titleNewline) - start - 1;
            int sequenceStart = titleNewline + 1;
            if (!TryFindSequence(b, sequenceStart, end, expectedLength, out int length, out int plusStart)) return false;
            int qualityStart = AfterPlusLine(b, start + 1, titleLength, plusStart, end);
            if (qualityStart < 0) return false;
            int next = ByteScan.AfterLineEnd(b, qualityStart + length, end);
            if (next < 0) return false;
            record = new FastqRecordLines(titleLength, sequenceStart, length, qualityStart, next);
            return true;
        }

        /// <summary>A sequence line at b[start] followed by a line starting with '+' (at <paramref name="plusStart"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe bool TryFindSequence(byte* b, int start, int end, int expectedLength, out int length, out int plusStart)
        {
            if (expectedLength > 0 && (plusStart = ByteScan.AfterLineEnd(b, start + expectedLength, end)) >= 0
                && ByteScan.AllWithin(b + start, expectedLength, 33, out _))
            {
                length = expectedLength;
            }
            else
            {
                length = 0;
                plusStart = -1;
                if (start >= end) return false;
                int newline = ByteScan.IndexOfNewline(b, start, end);
                if (newline < 0) return false;
                length = ByteScan.ContentEnd(b, start, newline) - start;
                if (length <= 0 || !ByteScan.AllWithin(b + start, length, 33, out _)) return false;
                plusStart = newline + 1;
            }
            // A line starting with '+' ends the sequence, so it cannot be one.
            return b[start] != (byte)'+' && plusStart < end && b[plusStart] == (byte)'+';
        }

        /// <summary>
        /// Where the quality starts after the '+' line at b[plusStart], when that line is empty or repeats the title
        /// (b[titleStart], <paramref name="titleLength"/> bytes); -1 otherwise.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe int AfterPlusLine(byte* b, int titleStart, int titleLength, int plusStart, int end)
        {
            int qualityStart = ByteScan.AfterLineEnd(b, plusStart + 1, end);
            if (qualityStart >= 0) return qualityStart;
            int lineEnd = plusStart + 1 + titleLength;
            qualityStart = ByteScan.AfterLineEnd(b, lineEnd, end);
            if (qualityStart < 0) return -1;
            // A title ending in '\r' (one more before its CRLF) followed here by a bare '\n': as a line this is the
            // title without that '\r', since a '\r' just before the '\n' belongs to the line end.
            if (titleLength > 0 && b[lineEnd - 1] == (byte)'\r' && b[lineEnd] == (byte)'\n') return -1;
            return ByteScan.SameBytes(b + titleStart, b + plusStart + 1, titleLength) ? qualityStart : -1;
        }
    }
}
