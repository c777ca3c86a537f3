using System;
using System.Threading;
using ParallelJobs.Scanning;
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
        internal static FastqScan Read(LineChunkReader reader, QualityHistogram histogram, int? forcedOffset, CancellationToken cancellationToken,
            bool fastPath, long stopAt, out long endOffset)
        {
            if (reader == null) throw new ArgumentNullException(nameof(reader));
            if (histogram == null) throw new ArgumentNullException(nameof(histogram));
            var parser = new RecordParser(reader, histogram, forcedOffset, stopAt);
            endOffset = parser.ReadAll(fastPath, cancellationToken);
            long records = parser.Finish();
            // The range of quality characters, from the histogram rather than per byte in the hot loop.
            bool any = histogram.TryGetScoreRange(out int lowest, out int highest);
            return new FastqScan(records, any ? (byte)(lowest + 33) : (byte)0, any ? (byte)(highest + 33) : (byte)0);
        }

        /// <summary>
        /// The parser of one file or byte range: a state per kind of line, fed the lines' chunks by the reader.
        /// Between records, whole plain records still in the reader's window go the fast way instead: the
        /// <see cref="FastqRecordSplitter"/> finds their lines and the histogram counts their quality. Whatever
        /// that does not take (wrapped lines, anything wrong, a record cut by the buffer's end) comes line by
        /// line, which gives the same results and says what is wrong.
        /// </summary>
        private sealed class RecordParser
        {
            private enum State { ExpectTitle, Title, Sequence, Plus, Quality }

            /// <summary>What the first chunk of a line decides: parse it, skip it (a blank line), or stop (the byte range ends).</summary>
            private enum LineStart { Parse, Skip, Stop }

            private readonly LineChunkReader _reader;
            private readonly byte[] _buffer;
            private readonly QualityHistogram _histogram;
            /// <summary>Per-read counts when they are asked for; null on the quality-only path.</summary>
            private readonly ReadMetrics? _reads;
            private readonly int? _forcedOffset;
            /// <summary>Lowest score allowed: with -PhredOffset 64 characters below '@' are rejected where they occur.</summary>
            private readonly int _lowest;
            private readonly long _stopAt;

            private State _state = State.ExpectTitle;
            private byte[] _title = new byte[256];
            private int _titleLength;
            private int _plusLength;
            private bool _plusMatches;
            private int _sequenceLength;
            private int _qualityLength;
            private long _records;
            /// <summary>Line number of the current record's title, for messages.</summary>
            private long _recordLine;
            private long _endOffset = -1;

            public RecordParser(LineChunkReader reader, QualityHistogram histogram, int? forcedOffset, long stopAt)
            {
                _reader = reader;
                _buffer = reader.Buffer;
                _histogram = histogram;
                _reads = histogram.Reads;
                _forcedOffset = forcedOffset;
                _lowest = forcedOffset == 64 ? 64 - 33 : 0;
                _stopAt = stopAt;
            }

            /// <summary>Reads to the end of the data or of the byte range; returns the file offset where it stopped.</summary>
            public long ReadAll(bool fastPath, CancellationToken cancellationToken)
            {
                long chunks = 0;
                while (true)
                {
                    if (fastPath && AtRecordBoundary) ReadPlainRecords(cancellationToken);
                    if (!_reader.Next(out int offset, out int count, out bool lineStart, out bool lineEnd)) break;
                    if ((++chunks & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
                    if (lineStart)
                    {
                        LineStart next = StartLine(ref offset, ref count);
                        if (next == LineStart.Stop) return _endOffset;
                        if (next == LineStart.Skip) continue;
                    }
                    ParseChunk(offset, count, lineStart, lineEnd);
                }
                return _reader.OffsetOf(_reader.WindowEnd);
            }

            /// <summary>At a line start between two records, with bytes in the window: where the fast path may begin.</summary>
            private bool AtRecordBoundary =>
                _reader.AtLineStart && (_state == State.ExpectTitle || (_state == State.Quality && _qualityLength == _sequenceLength))
                && _reader.WindowEnd > _reader.WindowStart;

            /// <summary>
            /// The fast path: whole plain records (see <see cref="FastqRecordSplitter"/>) read straight from the
            /// reader's window, up to the first that is not one, and consumed from the reader. Leaves the state as
            /// the line-by-line parser would after the last quality line.
            /// </summary>
            private unsafe void ReadPlainRecords(CancellationToken cancellationToken)
            {
                if (!_histogram.HasExactPositions) return; // binned columns (very long reads): line by line
                int pos = _reader.WindowStart;
                int end = _reader.WindowEnd;
                long firstLine = _reader.LineNumber + 1;
                long lines = 0;
                int expectedLength = _state == State.Quality ? _sequenceLength : 0; // the usual length, tried before searching
                long stopIndex = _stopAt - _reader.OffsetOf(0); // buffer index of stopAt (may lie beyond the buffer)
                fixed (byte* b = &_buffer[0])
                {
                    while (pos < stopIndex && FastqRecordSplitter.TrySplit(b, pos, end, expectedLength, out FastqRecordLines record)
                        && _histogram.TryCountCharacters(b + record.QualityStart, record.Length, _lowest))
                    {
                        // The previous record ended where this one's title began, as the line-by-line parser decides.
                        if (_state == State.Quality) EndRecord();
                        if (_reads != null)
                        {
                            _reads.Sequence(b + record.SequenceStart, record.Length, 0);
                            _reads.Quality(b + record.QualityStart, record.Length);
                        }
                        _state = State.Quality;
                        _sequenceLength = _qualityLength = expectedLength = record.Length;
                        _recordLine = firstLine + lines;
                        lines += 4;
                        pos = record.Next;
                    }
                }
                if (lines > 0)
                {
                    _reader.Consume(pos, lines);
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }

            /// <summary>What a line's first byte decides: the end of the record before, a new record, the '+' line.</summary>
            private LineStart StartLine(ref int offset, ref int count)
            {
                bool at = count > 0 && _buffer[offset] == (byte)'@';
                // A quality line starting with '@' belongs to the quality while the quality is shorter than the sequence.
                if (_state == State.Quality && at && _qualityLength >= _sequenceLength) EndRecord();
                if (_state == State.ExpectTitle) return StartRecord(ref offset, ref count);
                if (_state == State.Sequence && count > 0 && _buffer[offset] == (byte)'+')
                {
                    _state = State.Plus;
                    _plusLength = 0;
                    _plusMatches = true;
                    offset++;
                    count--;
                    _histogram.EnsureLength(_sequenceLength);
                }
                return LineStart.Parse;
            }

            private LineStart StartRecord(ref int offset, ref int count)
            {
                if (count == 0) return LineStart.Skip; // blank line between records or at the end
                if (_buffer[offset] != (byte)'@')
                    throw Error("expected a title line starting with '@', found " + Describe(_buffer[offset]));
                if (_stopAt != long.MaxValue && _reader.OffsetOf(offset) >= _stopAt)
                {
                    _endOffset = _reader.OffsetOf(offset);
                    return LineStart.Stop; // the next byte range starts with this record
                }
                _state = State.Title;
                _recordLine = _reader.LineNumber;
                _titleLength = 0;
                offset++;
                count--;
                return LineStart.Parse;
            }

            private void ParseChunk(int offset, int count, bool lineStart, bool lineEnd)
            {
                switch (_state)
                {
                    case State.Title: TitleChunk(offset, count, lineEnd); break;
                    case State.Sequence: SequenceChunk(offset, count); break;
                    case State.Plus: PlusChunk(offset, count, lineEnd); break;
                    case State.Quality: QualityChunk(offset, count, lineStart); break;
                }
            }

            private void TitleChunk(int offset, int count, bool lineEnd)
            {
                if (_titleLength + count > _title.Length) Array.Resize(ref _title, Math.Max(_title.Length * 2, _titleLength + count));
                System.Buffer.BlockCopy(_buffer, offset, _title, _titleLength, count);
                _titleLength += count;
                if (lineEnd)
                {
                    _state = State.Sequence;
                    _sequenceLength = 0;
                }
            }

            private unsafe void SequenceChunk(int offset, int count)
            {
                int bad = ByteScan.FirstNonGraphic(_buffer, offset, count);
                if (bad >= 0) throw Error(Describe(_buffer[bad]) + " in the sequence of the record at line " + _recordLine);
                if (_reads != null && count > 0)
                {
                    fixed (byte* bytes = &_buffer[0]) _reads.Sequence(bytes + offset, count, _sequenceLength);
                }
                _sequenceLength += count;
            }

            private void PlusChunk(int offset, int count, bool lineEnd)
            {
                if (_plusMatches) _plusMatches = _plusLength + count <= _titleLength && RepeatsTitle(offset, count);
                _plusLength += count;
                if (!lineEnd) return;
                if (_plusLength > 0 && (!_plusMatches || _plusLength != _titleLength))
                    throw Error("the '+' line does not repeat the title of the record at line " + _recordLine);
                _state = State.Quality;
                _qualityLength = 0;
            }

            /// <summary>True when this chunk of the '+' line holds the title's bytes from where the line has got to.</summary>
            private bool RepeatsTitle(int offset, int count)
            {
                for (int i = 0; i < count; i++)
                {
                    if (_buffer[offset + i] != _title[_plusLength + i]) return false;
                }
                return true;
            }

            private unsafe void QualityChunk(int offset, int count, bool lineStart)
            {
                if (_qualityLength + count > _sequenceLength)
                {
                    if (lineStart && _buffer[offset] == (byte)'@' && _qualityLength < _sequenceLength)
                        throw Error("quality is shorter than the sequence (" + _qualityLength + " of " + _sequenceLength + " characters) in the record at line " + _recordLine + "; this '@' line does not fit as quality");
                    throw Error("quality is longer than the sequence (" + _sequenceLength + " bases) in the record at line " + _recordLine);
                }
                int counted;
                fixed (byte* bytes = &_buffer[0])
                {
                    counted = _histogram.CountCharacters(bytes + offset, count, _qualityLength, _lowest);
                }
                if (counted < count) throw BadQuality(_buffer[offset + counted]);
                if (_reads != null)
                {
                    fixed (byte* bytes = &_buffer[0]) _reads.Quality(bytes + offset, count);
                }
                _qualityLength += count;
            }

            private void EndRecord()
            {
                _histogram.AddRead(_sequenceLength);
                _reads?.EndRead(_sequenceLength);
                _records++;
                _state = State.ExpectTitle;
            }

            /// <summary>At the end of the data (or of the byte range) the last record must be whole; returns the number of records.</summary>
            public long Finish()
            {
                switch (_state)
                {
                    case State.Title:
                        throw Error("the file ends inside the title line of the record at line " + _recordLine);
                    case State.Sequence:
                        throw Error("the file ends before the '+' line of the record at line " + _recordLine);
                    case State.Plus:
                        throw Error("the file ends inside the '+' line of the record at line " + _recordLine);
                    case State.Quality:
                        if (_qualityLength != _sequenceLength)
                            throw Error("the file ends inside the quality of the record at line " + _recordLine + " (" + _qualityLength + " of " + _sequenceLength + " characters)");
                        EndRecord();
                        break;
                }
                return _records;
            }

            /// <summary>A defect on the reader's current line, after the records read so far.</summary>
            private QualityFormatException Error(string message) => new QualityFormatException(_reader.LineNumber, message, _records);

            private QualityFormatException BadQuality(byte b)
            {
                if (_forcedOffset == 64 && b >= 33 && b < 64)
                    return Error("quality character " + Describe(b) + " is below '@', the lowest score of Phred+64 (-PhredOffset 64); Solexa-scaled or Phred+33 data?");
                return Error(Describe(b) + " in a quality line (allowed: '!'..'~', 33..126)");
            }
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
