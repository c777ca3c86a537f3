using System;
using System.IO;
using System.IO.Compression;
using System.Threading;

namespace ParallelJobs.Quality
{
    /// <summary>
    /// Opens one quality file, recognises gzip by its content (magic bytes 1f 8b, whatever the name; multi-member
    /// gzip and BGZF included), picks the format, and parses it into a histogram.
    /// Format: by name (.qual → .qual; .fastq/.fq → FASTQ, each optionally .gz); for other names by the first
    /// non-blank character ('>' → .qual, '@' → FASTQ).
    /// </summary>
    public static class QualityFileReader
    {
        /// <summary>Size of the read buffer: large sequential reads, and lines up to this long arrive in one chunk.</summary>
        public const int BufferSize = 1 << 20;

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
        public static QualityFileScan Read(string path, QualityHistogram histogram, byte[] buffer, int? phredOffset, CancellationToken cancellationToken)
        {
            if (phredOffset != null && phredOffset != 33 && phredOffset != 64) throw new ArgumentOutOfRangeException(nameof(phredOffset), "PhredOffset must be 33 or 64.");
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
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
                bool compressed = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
                Stream input = compressed ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : (Stream)file;
                try
                {
                    return Read(input, path, compressed, histogram, buffer, phredOffset, cancellationToken);
                }
                catch (InvalidDataException e)
                {
                    throw new QualityFormatException(0, "corrupt gzip data: " + e.Message, 0);
                }
                finally
                {
                    if (compressed) input.Dispose();
                }
            }
        }

        private static QualityFileScan Read(Stream input, string path, bool compressed, QualityHistogram histogram, byte[] buffer, int? phredOffset, CancellationToken cancellationToken)
        {
            var reader = new LineChunkReader(input, buffer);
            QualityFileFormat? format = FormatFromName(path);
            if (format == null)
            {
                // Sniff: the first non-blank character. The reader is not advanced, a fresh one is made below.
                format = Sniff(input, buffer, out int filled);
                reader = new LineChunkReader(new PrefixedStream(buffer, filled, input), new byte[buffer.Length]);
                if (format == null)
                {
                    if (filled == 0) return new QualityFileScan(QualityFileFormat.Fastq, compressed, 0, null, 0);
                    throw new QualityFormatException(1, "not a quality file: neither a FASTQ title ('@') nor a .qual header ('>') starts it", 0);
                }
            }

            if (format == QualityFileFormat.Qual)
            {
                long records = QualReader.Read(reader, histogram, cancellationToken);
                return new QualityFileScan(QualityFileFormat.Qual, compressed, records, null, reader.BytesRead);
            }

            FastqScan scan = FastqReader.Read(reader, histogram, phredOffset, cancellationToken);
            int? offset = phredOffset;
            if (offset == null)
            {
                offset = PhredOffsetDetection.Detect(scan.LowestCharacter, scan.HighestCharacter, out bool solexa);
                if (solexa)
                    throw new QualityFormatException(FirstLineBelowPhred64(path, phredOffset, cancellationToken),
                        "Solexa-scaled qualities (lowest character '" + (char)scan.LowestCharacter + "' = Solexa " + (scan.LowestCharacter - 64)
                        + ", highest '" + (char)scan.HighestCharacter + "') are not supported: Solexa scores are not Phred scores; convert the file, or use -PhredOffset 33 if it really is Phred+33",
                        scan.Records);
            }
            return new QualityFileScan(QualityFileFormat.Fastq, compressed, scan.Records, scan.HighestCharacter == 0 ? null : offset, reader.BytesRead);
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
                {
                    int b0 = file.ReadByte(), b1 = file.ReadByte();
                    return !(b0 == 0x1f && b1 == 0x8b);
                }
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
                // Resynchronising reads ahead; 64 KB is plenty unless lines are very long.
                long start = nominalStart == 0 ? 0 : Resync(file, format, nominalStart, buffer, 64 << 10);
                if (start < 0) start = Resync(file, format, nominalStart, buffer, buffer.Length);
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
        /// The first record start at or after <paramref name="from"/>, or the file's length when there is none,
        /// or -1 when none can be told within <paramref name="maxBytes"/>. .qual: a line starting with '>'. FASTQ: a line
        /// starting with '@' whose second line after it starts with '+', whose next line is as long as the one
        /// after the title, and after which comes the end or another '@' line (a quality line may start with
        /// '@', but then the line two after it is a sequence line, which cannot start with '+').
        /// </summary>
        internal static long Resync(FileStream file, QualityFileFormat format, long from, byte[] buffer, int maxBytes)
        {
            long length = file.Length;
            if (from >= length) return length;
            file.Position = from - 1;
            int filled = 0;
            int want = Math.Min(maxBytes, buffer.Length);
            while (filled < want)
            {
                int n = file.Read(buffer, filled, want - filled);
                if (n <= 0) break;
                filled += n;
            }
            bool atEnd = from - 1 + filled >= length;
            // Line starts in the buffer (index 1 is offset from), found only as far as they are looked at.
            var starts = new System.Collections.Generic.List<int>();
            int searched = 0;
            bool Have(int count)
            {
                while (starts.Count < count)
                {
                    if (searched >= filled) return false;
                    int newline = Array.IndexOf(buffer, (byte)'\n', searched, filled - searched);
                    if (newline < 0) { searched = filled; return false; }
                    starts.Add(newline + 1);
                    searched = newline + 1;
                }
                return true;
            }
            for (int k = 0; Have(k + 1); k++)
            {
                int at = starts[k];
                if (at >= filled) return atEnd ? length : -1; // a '\n' ends the data
                if (format == QualityFileFormat.Qual)
                {
                    if (buffer[at] == (byte)'>') return from - 1 + at;
                    continue;
                }
                if (buffer[at] != (byte)'@') continue;
                if (!Have(k + 4)) break; // not a whole record in the buffer
                int sequence = starts[k + 1], plus = starts[k + 2], quality = starts[k + 3];
                if (plus >= filled || buffer[plus] != (byte)'+') continue;
                bool hasNext = Have(k + 5);
                if (plus - sequence != (hasNext ? starts[k + 4] : filled + 1) - quality) continue;
                bool nextIsTitle = hasNext
                    ? starts[k + 4] >= filled ? atEnd : buffer[starts[k + 4]] == (byte)'@'
                    : atEnd;
                if (nextIsTitle) return from - 1 + at;
            }
            // No record start: at the end of the file there is none (a truncated record there fails the range
            // before, and the whole file is read again); elsewhere the lines are too long to tell in one buffer.
            return atEnd ? length : -1;
        }

        /// <summary>The scan of a whole file read in ranges, or null when its offset must be decided by reading it whole (Solexa-looking data).</summary>
        internal static QualityFileScan? FinishRanges(QualityFileFormat format, long records, byte lowest, byte highest, int? phredOffset, long bytes)
        {
            if (format == QualityFileFormat.Qual) return new QualityFileScan(QualityFileFormat.Qual, false, records, null, bytes);
            int? offset = phredOffset;
            if (offset == null)
            {
                offset = PhredOffsetDetection.Detect(lowest, highest, out bool solexa);
                if (solexa) return null;
            }
            return new QualityFileScan(QualityFileFormat.Fastq, false, records, highest == 0 ? null : offset, bytes);
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

        private static QualityFileFormat? Sniff(Stream input, byte[] buffer, out int filled)
        {
            filled = 0;
            while (filled < buffer.Length)
            {
                int n = input.Read(buffer, filled, Math.Min(4096, buffer.Length - filled));
                if (n <= 0) break;
                for (int i = filled; i < filled + n; i++)
                {
                    byte b = buffer[i];
                    if (b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r' || b == (byte)'\n') continue;
                    filled += n;
                    return b == (byte)'@' ? QualityFileFormat.Fastq : b == (byte)'>' ? QualityFileFormat.Qual : (QualityFileFormat?)null;
                }
                filled += n;
            }
            return null;
        }
    }
}
