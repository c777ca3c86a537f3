using System;
using System.Runtime.CompilerServices;
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
    /// Numbers are parsed from bytes and counted a batch at a time; nothing is allocated per line.
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
        internal static long Read(LineChunkReader reader, QualityHistogram histogram, CancellationToken cancellationToken, long stopAt, out long endOffset)
        {
            if (reader == null) throw new ArgumentNullException(nameof(reader));
            if (histogram == null) throw new ArgumentNullException(nameof(histogram));
            var parser = new RecordParser(reader, histogram, null, stopAt);
            endOffset = parser.ReadAll(cancellationToken);
            return parser.Records;
        }

        /// <summary>
        /// Reads every record into <paramref name="recording"/> (which must be empty) instead of a histogram: the
        /// reads of a small file, to be counted once the whole file has proved valid. Returns the number of records.
        /// </summary>
        internal static long Read(LineChunkReader reader, RecordedReads recording, CancellationToken cancellationToken)
        {
            if (reader == null) throw new ArgumentNullException(nameof(reader));
            if (recording == null) throw new ArgumentNullException(nameof(recording));
            var parser = new RecordParser(reader, null, recording, long.MaxValue);
            parser.ReadAll(cancellationToken);
            return parser.Records;
        }

        /// <summary>
        /// The parser of one file or byte range. Header lines split the records. Scores in the usual layout go to
        /// the histogram from a decoder it pulls them from (<see cref="SimpleScores"/>), which the JIT fuses into
        /// one loop; any other layout is decoded a byte at a time into a batch of characters that the histogram
        /// then counts. With a recording instead of a histogram, the same scores are recorded in the same order.
        /// </summary>
        private sealed class RecordParser
        {
            /// <summary>
            /// Scores decoded before they are counted, as Phred+33 characters (the form the histogram counts, that of
            /// a FASTQ quality line); small enough to stay in the first-level cache.
            /// </summary>
            private const int BatchSize = 4096;

            private readonly LineChunkReader _reader;
            private readonly byte[] _buffer;
            private readonly QualityHistogram? _histogram;
            private readonly RecordedReads? _recording;
            private readonly long _stopAt;
            // Only scores outside the usual layout go through the batch, so it is made when one comes: a file of a few
            // Sanger reads (parsed by a parser of its own) would otherwise allocate and zero 4 KB it never uses.
            private byte[]? _batch;
            private int _pending;           // scores in the batch, not counted yet
            private bool _inRecord;
            private bool _inHeader;
            private int _position;          // scores so far in the current record, pending ones included
            private PartialScore _token;    // a score cut by the end of a chunk, continued in the next one
            private long _endOffset = -1;

            /// <summary>Counts into <paramref name="histogram"/>, or (when it is null) records into <paramref name="recording"/>.</summary>
            public RecordParser(LineChunkReader reader, QualityHistogram? histogram, RecordedReads? recording, long stopAt)
            {
                _reader = reader;
                _buffer = reader.Buffer;
                _histogram = histogram;
                _recording = histogram == null ? recording ?? throw new ArgumentNullException(nameof(recording)) : null;
                _stopAt = stopAt;
            }

            public long Records { get; private set; }

            /// <summary>Reads to the end of the data or of the byte range; returns the file offset where it stopped.</summary>
            // Optimized from its first call: a small file's parse is one call of a few hundred lines, too short for
            // on-stack replacement, so until tiering promoted it (well after the first run of a session over many
            // small files) every file was parsed by unoptimized code with nothing inlined.
            [MethodImpl(Scanning.ByteScan.AggressiveOptimization)]
            public long ReadAll(CancellationToken cancellationToken)
            {
                long chunks = 0;
                while (_reader.Next(out int offset, out int count, out bool lineStart, out bool lineEnd))
                {
                    if ((++chunks & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
                    if (lineStart)
                    {
                        _inHeader = count > 0 && _buffer[offset] == (byte)'>';
                        if (_inHeader && !StartRecord(offset)) return _endOffset;
                    }
                    if (_inHeader || !_inRecord) continue;
                    ScoreChunk(offset, count, lineEnd);
                    if (lineEnd && !_token.IsEmpty) EndToken();
                }
                EndRecord();
                return _reader.OffsetOf(_reader.WindowEnd);
            }

            /// <summary>A header line ends the record before it and starts one; false when the byte range ends there.</summary>
            private bool StartRecord(int offset)
            {
                EndRecord();
                if (_stopAt != long.MaxValue && _reader.OffsetOf(offset) >= _stopAt)
                {
                    _endOffset = _reader.OffsetOf(offset);
                    return false; // the next byte range starts with this record
                }
                _inRecord = true;
                _position = 0;
                return true;
            }

            private void EndRecord()
            {
                if (!_inRecord) return;
                CountBatch();
                if (_histogram == null) _recording!.EndRead();
                else
                {
                    _histogram.AddRead(_position);
                    _histogram.Reads?.EndRead(_position); // lengths only: .qual holds scores, not characters to average
                }
                Records++;
                _inRecord = false;
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private unsafe void ScoreChunk(int offset, int count, bool lineEnd)
            {
                fixed (byte* bytes = &_buffer[0])
                {
                    byte* p = bytes + offset;
                    byte* end = p + count;
                    while (p < end)
                    {
                        if (_token.IsEmpty) p = CountSimpleScores(p, end, lineEnd);
                        if (p < end) p = DecodeScore(p, end);
                    }
                }
            }

            /// <summary>
            /// The usual layout (see <see cref="SimpleScores"/>) counted straight from the text; returns where it
            /// stopped, at anything else, which <see cref="DecodeScore"/> reads from there.
            /// </summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private unsafe byte* CountSimpleScores(byte* p, byte* end, bool lineEnd)
            {
                if (_pending != 0) CountBatch(); // the batch holds the positions just before _position
                var scores = new SimpleScores(p, end, lineEnd);
                // A score takes at least one byte of text, so the chunk's length bounds what a recording needs.
                _position += _histogram == null ? _recording!.RecordFrom(ref scores, (int)(end - p)) : _histogram.CountFrom(ref scores, _position);
                return scores.Next;
            }

            /// <summary>
            /// Reads bytes one at a time up to the end of the next score (white space after it) or of the chunk, where
            /// a score of a long line may be cut; returns where it got to.
            /// </summary>
            private unsafe byte* DecodeScore(byte* p, byte* end)
            {
                PartialScore token = _token;
                for (; p < end; p++)
                {
                    uint digit = (uint)(*p - '0');
                    if (digit <= 9)
                    {
                        // Digits are counted rather than the value capped: cheaper, and 20-digit tokens cannot wrap around.
                        token.Value = token.Value * 10 + (int)digit;
                        token.Digits++;
                        continue;
                    }
                    byte b = *p;
                    if (b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r' || b == 11 || b == 12)
                    {
                        if (token.IsEmpty) continue;
                        _token = token;
                        EndToken();
                        return p + 1;
                    }
                    if (b != (byte)'-' || !token.IsEmpty)
                        throw Error(FastqReader.Describe(b) + " in a score: scores must be whole numbers separated by white space");
                    token.Negative = true;
                }
                _token = token;
                return p;
            }

            /// <summary>The score in <see cref="_token"/> is complete: checked, and into the batch.</summary>
            private void EndToken()
            {
                PartialScore token = _token;
                _token = default;
                if (token.Digits == 0) throw Error("'-' is not a score");
                if (token.Negative) throw Error("negative score -" + token.Value + " (scores are 0..93)");
                if (token.Digits > 9 || token.Value > QualityHistogram.MaxScore)
                    throw Error("score " + (token.Digits > 9 ? "of " + token.Digits + " digits" : token.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)) + " is above 93, the highest Phred score");
                if (_pending == BatchSize) CountBatch();
                (_batch ??= new byte[BatchSize])[_pending++] = (byte)(token.Value + 33);
                _position++;
            }

            /// <summary>Counts the decoded scores, which lie at the record's positions just before <see cref="_position"/>.</summary>
            private unsafe void CountBatch()
            {
                if (_pending == 0) return;
                int counted = _pending;
                fixed (byte* scores = &_batch![0])
                {
                    if (_histogram == null) _recording!.Record(scores, _pending); // EndToken checked each score
                    else counted = _histogram.CountCharacters(scores, _pending, _position - _pending, 0);
                }
                if (counted != _pending) throw new InvalidOperationException("A decoded score is outside 0..93.");
                _pending = 0;
            }

            /// <summary>A defect on the reader's current line, after the records read so far.</summary>
            private QualityFormatException Error(string message) => new QualityFormatException(_reader.LineNumber, message, Records);
        }

        /// <summary>
        /// Scores in the usual layout, one or two digits separated by single spaces, decoded from text one at a time
        /// for <see cref="QualityHistogram.CountFrom"/>. At a line's end the end of the text ends its last score;
        /// otherwise a score there may go on in the next chunk. It stops at anything else (a tab, three digits, a
        /// defect), before it.
        /// </summary>
        private unsafe struct SimpleScores : IScoreSource
        {
            private byte* _p;
            private readonly byte* _end;
            private readonly bool _lineEnd;

            public SimpleScores(byte* text, byte* end, bool lineEnd)
            {
                _p = text;
                _end = end;
                _lineEnd = lineEnd;
            }

            /// <summary>Where decoding stopped.</summary>
            public byte* Next => _p;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public bool TryNext(out int score)
            {
                byte* p = _p;
                while (p + 3 <= _end)
                {
                    uint d0 = (uint)(p[0] - '0');
                    if (d0 > 9)
                    {
                        if (p[0] != (byte)' ') break;
                        p++;
                        continue;
                    }
                    uint d1 = (uint)(p[1] - '0');
                    if (d1 > 9)
                    {
                        if (p[1] != (byte)' ') break;
                        score = (int)d0;
                        _p = p + 2;
                        return true;
                    }
                    uint two = d0 * 10 + d1;
                    if (p[2] != (byte)' ' || two > QualityHistogram.MaxScore) break;
                    score = (int)two;
                    _p = p + 3;
                    return true;
                }
                _p = p;
                return TryLast(out score);
            }

            /// <summary>The line's last score when it is all that is left: one or two digits.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private bool TryLast(out int score)
            {
                score = 0;
                long left = _end - _p;
                if (!_lineEnd || left < 1 || left > 2) return false;
                uint d0 = (uint)(_p[0] - '0');
                if (d0 > 9) return false;
                if (left == 2)
                {
                    uint d1 = (uint)(_p[1] - '0');
                    if (d1 > 9 || d0 * 10 + d1 > QualityHistogram.MaxScore) return false;
                    d0 = d0 * 10 + d1;
                }
                score = (int)d0;
                _p = _end;
                return true;
            }
        }

        /// <summary>A score being read: its value so far, how many digits, and whether a '-' came first.</summary>
        private struct PartialScore
        {
            public int Value;
            public int Digits;
            public bool Negative;

            public bool IsEmpty => Digits == 0 && !Negative;
        }
    }
}
