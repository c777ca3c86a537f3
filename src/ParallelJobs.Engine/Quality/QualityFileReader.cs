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
