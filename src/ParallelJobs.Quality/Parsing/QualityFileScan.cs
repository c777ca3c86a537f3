namespace ParallelJobs.Parsing
{
    /// <summary>Outcome of reading one valid file into a histogram.</summary>
    internal sealed class QualityFileScan
    {
        public QualityFileScan(QualityFileFormat format, bool compressed, long records, int? phredOffset, long bytesRead, string? warning = null)
        {
            Format = format;
            Compressed = compressed;
            Records = records;
            PhredOffset = phredOffset;
            BytesRead = bytesRead;
            Warning = warning;
        }

        public QualityFileFormat Format { get; }
        public bool Compressed { get; }
        public long Records { get; }
        /// <summary>FASTQ offset used; null for .qual and for FASTQ without any quality character.</summary>
        public int? PhredOffset { get; }
        /// <summary>Uncompressed bytes parsed.</summary>
        public long BytesRead { get; }

        /// <summary>Something about the file the user should know although it was read, e.g. bytes after the last gzip member; null when nothing.</summary>
        public string? Warning { get; }

        internal QualityFileScan WithWarning(string warning) => new QualityFileScan(Format, Compressed, Records, PhredOffset, BytesRead, warning);

        /// <summary>What to subtract from the histogram indexes of this file to get scores (31 for Phred+64 FASTQ).</summary>
        public int ScoreShift => Format == QualityFileFormat.Fastq && PhredOffset == 64 ? 31 : 0;
    }
}
