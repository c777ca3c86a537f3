using System;
using System.IO;
using System.Threading;
using ParallelJobs.Compression;
using ParallelJobs.Statistics;

namespace ParallelJobs.Parsing
{
    /// <summary>
    /// Opens one quality file, recognises gzip by its content (magic bytes 1f 8b, whatever the name; multi-member
    /// gzip and BGZF included), picks the format, and parses it into a histogram.
    /// Format: by name (.qual → .qual; .fastq/.fq → FASTQ, each optionally .gz); for other names by the first
    /// non-blank character ('>' → .qual, '@' → FASTQ).
    /// </summary>
    internal static class QualityFileReader
    {
        /// <summary>Size of the read buffer: large sequential reads, and lines up to this long arrive in one chunk.</summary>
        public const int BufferSize = 1 << 20;

        /// <summary>How far a gzip member is read on after its content was found invalid, to see whether the gzip data is broken.</summary>
        private const long VerifyAfterInvalidContentBytes = 32L << 20;

        /// <summary>Format implied by the file name, or null when the name says nothing.</summary>
        public static QualityFileFormat? FormatFromName(string path)
        {
            string name = System.IO.Path.GetFileName(path).ToLowerInvariant();
            if (name.EndsWith(".gz", StringComparison.Ordinal)) name = name.Substring(0, name.Length - 3);
            else if (name.EndsWith(".bgz", StringComparison.Ordinal)) name = name.Substring(0, name.Length - 4);
            if (name.EndsWith(".qual", StringComparison.Ordinal)) return QualityFileFormat.Qual;
            if (name.EndsWith(".fastq", StringComparison.Ordinal) || name.EndsWith(".fq", StringComparison.Ordinal)) return QualityFileFormat.Fastq;
            return null;
        }

        /// <summary>
        /// Parses a file into <paramref name="histogram"/> (which must be empty). Throws <see cref="QualityFormatException"/>
        /// for invalid content and IOException/UnauthorizedAccessException when it cannot be read.
        /// </summary>
        public static QualityFileScan Read(string path, QualityHistogram histogram, byte[] buffer, int? phredOffset, CancellationToken cancellationToken) =>
            Read(path, histogram, buffer, phredOffset, cancellationToken, helpers: 0);

        /// <summary>Compressed size from which a gzip file is worth a read-ahead thread.</summary>
        internal const long ReadAheadMinimumBytes = 1L << 20;

        /// <summary>
        /// As above; <paramref name="helpers"/>: threads this read may add beside the caller's (cores the run has
        /// idle). With one or more, a large gzip file is decompressed on a thread of its own while this one parses.
        /// </summary>
        internal static QualityFileScan Read(string path, QualityHistogram histogram, byte[] buffer, int? phredOffset, CancellationToken cancellationToken, int helpers) =>
            Read(path, histogram, buffer, phredOffset, cancellationToken, helpers, ReadAheadMinimumBytes);

        /// <summary>As above, with the compressed size from which the helpers are used (tests: 0, every gzip file).</summary>
        internal static QualityFileScan Read(string path, QualityHistogram histogram, byte[] buffer, int? phredOffset, CancellationToken cancellationToken,
            int helpers, long helpersFromBytes) =>
            Read(path, histogram, buffer, phredOffset, cancellationToken, helpers, helpersFromBytes, null, out _);

        /// <summary>
        /// Largest plain .qual file that <see cref="Read(string, QualityHistogram, byte[], int?, CancellationToken, int, RecordedReads, out bool)"/>
        /// records instead of counting: up to here a file's own histogram costs more to empty and to add to a
        /// total than its scores cost to record and count (a file of a few thousand scores touches every
        /// position of its reads); above it, its reads would be copied for nothing.
        /// </summary>
        internal const long RecordUpToBytes = 1L << 20;

        /// <summary>
        /// As above; a plain (not gzip) .qual file of at most <see cref="RecordUpToBytes"/> is parsed into
        /// <paramref name="recording"/> (emptied first) instead of <paramref name="histogram"/>, which it leaves
        /// untouched; <paramref name="recorded"/> says which of the two holds the file.
        /// </summary>
        internal static QualityFileScan Read(string path, QualityHistogram histogram, byte[] buffer, int? phredOffset, CancellationToken cancellationToken,
            int helpers, RecordedReads? recording, out bool recorded) =>
            Read(path, histogram, buffer, phredOffset, cancellationToken, helpers, ReadAheadMinimumBytes, recording, out recorded);

        private static QualityFileScan Read(string path, QualityHistogram histogram, byte[] buffer, int? phredOffset, CancellationToken cancellationToken,
            int helpers, long helpersFromBytes, RecordedReads? recording, out bool recorded)
        {
            if (phredOffset != null && phredOffset != 33 && phredOffset != 64) throw new ArgumentOutOfRangeException(nameof(phredOffset), "PhredOffset must be 33 or 64.");
            recorded = false;
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
            {
                // The file's first bytes say whether it is gzip; a plain file is parsed on from them (a small one is
                // then read whole by this one read), rather than read again after a look at two bytes.
                int filled = ReadStart(file, buffer, out bool whole);
                if (filled < 2 || buffer[0] != 0x1f || buffer[1] != 0x8b)
                {
                    // A file the first read got to the end of is small (and needs no look at its length).
                    if (recording == null || !(whole || (file.CanSeek && file.Length <= RecordUpToBytes))) recording = null;
                    else recording.Clear();
                    return Read(file, path, false, histogram, buffer, phredOffset, cancellationToken, recording, out recorded, filled);
                }
                file.Position = 0;
                bool useHelpers = helpers > 0 && file.Length >= helpersFromBytes;
                if (useHelpers && BgzfParallelStream.StartsWithBgzfBlock(file))
                {
                    // BGZF: its blocks are decompressed by the helpers and this thread at once. A file that turns
                    // out not to be plain BGZF all through is read again below, which says what is wrong with it.
                    try
                    {
                        // At most a decoder per core (and 8): more threads than cores only cost buffers.
                        int decoders = Math.Min(helpers + 1, Math.Min(Environment.ProcessorCount, 8));
                        using (var blocks = new BgzfParallelStream(file, Math.Max(1, decoders)))
                            return Read(blocks, path, true, histogram, buffer, phredOffset, cancellationToken);
                    }
                    catch (NotPlainBgzfException)
                    {
                        histogram.Clear();
                        file.Position = 0;
                    }
                }
                using (var gzip = new GzipReader(file, leaveOpen: true))
                {
                    try
                    {
                        QualityFileScan scan;
                        ReadAheadStream? ahead = useHelpers ? new ReadAheadStream(gzip) : null;
                        try
                        {
                            scan = Read((Stream?)ahead ?? gzip, path, true, histogram, buffer, phredOffset, cancellationToken);
                        }
                        catch (QualityFormatException)
                        {
                            // Invalid content from gzip data that is itself broken: the gzip defect is the cause.
                            ahead?.StopReadingAhead();
                            gzip.Verify(VerifyAfterInvalidContentBytes, cancellationToken);
                            throw;
                        }
                        finally
                        {
                            ahead?.Dispose();
                        }
                        return gzip.Warning == null ? scan : scan.WithWarning(gzip.Warning);
                    }
                    catch (GzipDataException e)
                    {
                        throw new QualityFormatException(0, e.Message, 0);
                    }
                }
            }
        }

        private static QualityFileScan Read(Stream input, string path, bool compressed, QualityHistogram histogram, byte[] buffer, int? phredOffset, CancellationToken cancellationToken) =>
            Read(input, path, compressed, histogram, buffer, phredOffset, cancellationToken, null, out _, 0);

        /// <summary>How much a file's first read asks for: a small file's whole content, a large one's first piece.</summary>
        private const int StartBytes = 64 << 10;

        /// <summary>
        /// The file's first bytes into <paramref name="buffer"/> (at least two unless the file is shorter); returns how
        /// many. <paramref name="whole"/>: the read came back short of what it asked for, as it does at the end of a file.
        /// </summary>
        private static int ReadStart(FileStream file, byte[] buffer, out bool whole)
        {
            int want = Math.Min(StartBytes, buffer.Length);
            int filled = 0;
            whole = false;
            while (filled < 2)
            {
                int n = file.Read(buffer, filled, want - filled);
                if (n <= 0) { whole = true; break; }
                filled += n;
            }
            if (filled < want) whole = true;
            return filled;
        }

        /// <summary>
        /// Parses a stream whose first <paramref name="prefilled"/> bytes are in <paramref name="buffer"/> already; a .qual
        /// one into <paramref name="recording"/> when there is one (<paramref name="recorded"/>), else into the histogram.
        /// </summary>
        private static QualityFileScan Read(Stream input, string path, bool compressed, QualityHistogram histogram, byte[] buffer, int? phredOffset,
            CancellationToken cancellationToken, RecordedReads? recording, out bool recorded, int prefilled)
        {
            recorded = false;
            var reader = LineChunkReader.Prefilled(input, buffer, prefilled);
            QualityFileFormat? format = FormatFromName(path);
            if (format == null)
            {
                // Sniff: the first non-blank character. The reader is not advanced, a fresh one is made below.
                int filled = prefilled;
                format = Sniff(input, buffer, ref filled);
                reader = new LineChunkReader(new PrefixedStream(buffer, filled, input), new byte[buffer.Length]);
                if (format == null)
                {
                    if (filled == 0) return new QualityFileScan(QualityFileFormat.Fastq, compressed, 0, null, 0);
                    throw new QualityFormatException(1, "not a quality file: neither a FASTQ title ('@') nor a .qual header ('>') starts it", 0);
                }
            }

            if (format == QualityFileFormat.Qual)
            {
                recorded = recording != null;
                long records = recording != null ? QualReader.Read(reader, recording, cancellationToken) : QualReader.Read(reader, histogram, cancellationToken);
                return new QualityFileScan(QualityFileFormat.Qual, compressed, records, null, reader.BytesRead);
            }

            FastqScan scan = FastqReader.Read(reader, histogram, phredOffset, cancellationToken);
            int? offset = OffsetOf(phredOffset, scan.LowestCharacter, scan.HighestCharacter, out bool solexa);
            if (solexa)
                throw new QualityFormatException(FirstLineBelowPhred64(path, phredOffset, cancellationToken),
                    "Solexa-scaled qualities (lowest character '" + (char)scan.LowestCharacter + "' = Solexa " + (scan.LowestCharacter - 64)
                    + ", highest '" + (char)scan.HighestCharacter + "') are not supported: Solexa scores are not Phred scores; convert the file, or use -PhredOffset 33 if it really is Phred+33",
                    scan.Records);
            return new QualityFileScan(QualityFileFormat.Fastq, compressed, scan.Records, offset, reader.BytesRead);
        }

        /// <summary>What one byte range of a plain file gave (see <see cref="ReadRange"/>).</summary>
        internal struct RangeScan
        {
            /// <summary>Where the range's first record starts (its start after resynchronising), and where it stopped.</summary>
            public long Start, End;
            public long Records;
            /// <summary>FASTQ: lowest and highest quality character (0 when none).</summary>
            public byte Lowest, Highest;
        }

        /// <summary>Smallest byte range worth a worker of its own.</summary>
        internal const long MinimumRangeBytes = 16L << 20;

        /// <summary>
        /// A plain (not gzip) .qual or FASTQ file, named as such, that is large enough to be read by several
        /// workers at once in byte ranges; false when it cannot be opened (the whole-file read then says why).
        /// </summary>
        internal static bool CanSplit(string path, long size, long minimumRangeBytes, out QualityFileFormat format)
        {
            format = QualityFileFormat.Fastq;
            if (size < 2 * minimumRangeBytes) return false;
            var byName = FormatFromName(path);
            if (byName == null) return false;
            format = byName.Value;
            try
            {
                using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
                    return !StartsWithGzipMagic(file);
            }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return false; }
        }

        /// <summary>
        /// Parses the records of a plain file that start in [nominalStart, stopAt): from the first record at or
        /// after nominalStart (found by <see cref="Resync"/>; the file's own start for nominalStart 0) up to,
        /// not including, the first record that starts at or after stopAt. Whether the ranges of a file really
        /// fit together (each one ends where the next one starts) is the caller's check; any doubt, and any
        /// error, is settled by reading the whole file instead. Returns null when no record start was found
        /// near nominalStart.
        /// </summary>
        internal static RangeScan? ReadRange(string path, QualityFileFormat format, long nominalStart, long stopAt, QualityHistogram histogram,
            byte[] buffer, int? phredOffset, CancellationToken cancellationToken)
        {
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
            {
                // The first record must be found before about twice the range's length (it may end beyond it).
                long scanLimit = stopAt == long.MaxValue ? long.MaxValue : 2 * (stopAt - nominalStart);
                long start = nominalStart == 0 ? 0 : Resync(file, format, nominalStart, buffer, scanLimit, cancellationToken);
                if (start < 0) return null;
                file.Position = start;
                var reader = new LineChunkReader(file, buffer, start);
                var result = new RangeScan { Start = start };
                if (format == QualityFileFormat.Qual)
                {
                    result.Records = QualReader.Read(reader, histogram, cancellationToken, stopAt, out result.End);
                }
                else
                {
                    FastqScan scan = FastqReader.Read(reader, histogram, phredOffset, cancellationToken, fastPath: true, stopAt, out result.End);
                    result.Records = scan.Records;
                    result.Lowest = scan.LowestCharacter;
                    result.Highest = scan.HighestCharacter;
                }
                return result;
            }
        }

        /// <summary>
        /// The first record start at or after <paramref name="from"/>, or the file's length when there is none, or
        /// -1 when none is found within <paramref name="scanLimit"/> bytes. .qual: a line starting with '>'.
        /// FASTQ: a line starting with '@' whose second line after it starts with '+', whose next line is as long
        /// as the one after the title, and after which comes the end or another '@' line (a quality line may
        /// start with '@', but then the line two after it is a sequence line, which cannot start with '+').
        /// Only line starts, their first bytes and their offsets are kept, so lines of any length (ultra-long
        /// reads) stream through the buffer.
        /// </summary>
        internal static long Resync(FileStream file, QualityFileFormat format, long from, byte[] buffer, long scanLimit, CancellationToken cancellationToken)
        {
            long length = file.Length;
            if (from >= length) return length;
            file.Position = from - 1;
            // Lines that start at or after from: offset and first byte, the newest five at most. A line that
            // starts at the end of a chunk gets its first byte from the next chunk, and is judged only then.
            var starts = new System.Collections.Generic.List<long>();
            var firsts = new System.Collections.Generic.List<int>();
            long position = from - 1; // file offset of buffer[0]
            bool pending = false;
            int chunk = Math.Min(64 << 10, buffer.Length); // a record start is usually near: read little, then more
            while (position < length && position - from < scanLimit)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int filled = file.Read(buffer, 0, chunk);
                if (filled <= 0) break;
                chunk = Math.Min(2 * chunk, buffer.Length);
                if (pending)
                {
                    firsts[firsts.Count - 1] = buffer[0];
                    pending = false;
                    long found = Judge(format, starts, firsts, length, atEnd: false);
                    if (found >= 0) return found;
                }
                for (int i = Array.IndexOf(buffer, (byte)'\n', 0, filled); i >= 0; i = i + 1 < filled ? Array.IndexOf(buffer, (byte)'\n', i + 1, filled - i - 1) : -1)
                {
                    starts.Add(position + i + 1);
                    pending = i + 1 >= filled;
                    firsts.Add(pending ? -1 : buffer[i + 1]);
                    if (pending) break;
                    long found = Judge(format, starts, firsts, length, atEnd: false);
                    if (found >= 0) return found;
                }
                position += filled;
            }
            if (position < length) return -1; // the limit: no record start near enough
            long last = Judge(format, starts, firsts, length, atEnd: true);
            return last >= 0 ? last : length;
        }

        /// <summary>
        /// The record start among the kept lines, dropping those that cannot start one; -1 when none (yet).
        /// At the end of the file the last lines are judged with nothing after them.
        /// </summary>
        private static long Judge(QualityFileFormat format, System.Collections.Generic.List<long> starts, System.Collections.Generic.List<int> firsts, long length, bool atEnd)
        {
            if (format == QualityFileFormat.Qual)
            {
                // Every line is judged as it comes: only the newest is new.
                int newest = starts.Count - 1;
                long found = newest >= 0 && starts[newest] < length && firsts[newest] == '>' ? starts[newest] : -1;
                starts.Clear();
                firsts.Clear();
                return found;
            }
            // FASTQ, the oldest line as a title: sequence, '+' and quality lines, then the next line (or the end).
            while (starts.Count >= 5 || (atEnd && starts.Count >= 4))
            {
                if (starts[0] < length && firsts[0] == '@' && firsts[2] == '+')
                {
                    long next = starts.Count >= 5 ? starts[4] : length + 1; // a last line without '\n' is one byte shorter
                    bool nextIsTitle = starts.Count < 5 || starts[4] >= length || firsts[4] == '@';
                    if (starts[2] - starts[1] == next - starts[3] && nextIsTitle) return starts[0];
                }
                starts.RemoveAt(0);
                firsts.RemoveAt(0);
            }
            return -1;
        }

        /// <summary>The scan of a whole file read in ranges, or null when its offset must be decided by reading it whole (Solexa-looking data).</summary>
        internal static QualityFileScan? FinishRanges(QualityFileFormat format, long records, byte lowest, byte highest, int? phredOffset, long bytes)
        {
            if (format == QualityFileFormat.Qual) return new QualityFileScan(QualityFileFormat.Qual, false, records, null, bytes);
            int? offset = OffsetOf(phredOffset, lowest, highest, out bool solexa);
            return solexa ? null : new QualityFileScan(QualityFileFormat.Fastq, false, records, offset, bytes);
        }

        /// <summary>
        /// The FASTQ offset a file is read with: the one asked for, else the one its quality characters show
        /// (solexa: they look like Solexa scores); null when the file has no quality character at all.
        /// </summary>
        private static int? OffsetOf(int? phredOffset, byte lowest, byte highest, out bool solexa)
        {
            solexa = false;
            int? offset = phredOffset ?? PhredOffsetDetection.Detect(lowest, highest, out solexa);
            return highest == 0 ? null : offset;
        }

        /// <summary>True when a file starts with gzip's magic bytes (1f 8b); the file is left at its start.</summary>
        private static bool StartsWithGzipMagic(FileStream file)
        {
            var magic = new byte[2];
            int got = 0;
            while (got < 2)
            {
                int n = file.Read(magic, got, 2 - got);
                if (n <= 0) break;
                got += n;
            }
            file.Position = 0;
            return got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        }

        // Only for the error message of a Solexa file: a second pass with offset 64 stops at the first
        // quality character below '@' and says where it is. The hot loop does not track it.
        private static long FirstLineBelowPhred64(string path, int? phredOffset, CancellationToken cancellationToken)
        {
            try
            {
                Read(path, new QualityHistogram(), new byte[BufferSize], 64, cancellationToken);
            }
            catch (QualityFormatException e)
            {
                return e.Line;
            }
            return 0;
        }

        /// <summary>The format by the first non-blank byte: of the <paramref name="filled"/> bytes in the buffer, then of more read after them.</summary>
        private static QualityFileFormat? Sniff(Stream input, byte[] buffer, ref int filled)
        {
            int scanned = 0;
            while (true)
            {
                for (; scanned < filled; scanned++)
                {
                    byte b = buffer[scanned];
                    if (b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r' || b == (byte)'\n') continue;
                    return b == (byte)'@' ? QualityFileFormat.Fastq : b == (byte)'>' ? QualityFileFormat.Qual : (QualityFileFormat?)null;
                }
                if (filled == buffer.Length) return null;
                int n = input.Read(buffer, filled, Math.Min(4096, buffer.Length - filled));
                if (n <= 0) return null;
                filled += n;
            }
        }
    }
}
