using System;
using System.IO;
using System.Threading.Tasks;
using ParallelJobs.Quality;
using ParallelJobs.TestSupport;

namespace ParallelJobs.Bench
{
    /// <summary>
    /// The data sets, written by the engine's own deterministic generator (QualDataSetGenerator), sized here:
    /// the second seed's t1_1..t6_2 `.qual` directories, and FASTQ (150 bp, Phred+33) split into a few files
    /// because Get-QualityDistribution shares work between workers by file.
    /// </summary>
    internal static class QualDataSets
    {
        public const int Seed = 20260501;
        public const int FastqFiles = 4;
        public const int ReadLength = 150;

        // Bytes per read of the generator's output, measured once (.qual: 300..800 scores, ~2.9 bytes each;
        // FASTQ: header, 150 bases, '+', 150 scores). Only sizes the data; the table reports the real size.
        private const double QualBytesPerRead = 1620;
        private const double FastqBytesPerRead = 316;

        public static void WriteQual(string root, long bytes)
        {
            const long bytesPerFile = 2L << 20;
            int dirs = QualDataSetGenerator.DirectoryNames().Count;
            long perDir = bytes / dirs;
            int filesPerDir = (int)Math.Max(1, perDir / bytesPerFile);
            int readsPerFile = (int)Math.Max(1, perDir / filesPerDir / QualBytesPerRead);
            QualDataSetGenerator.Write(root, Seed, filesPerDir, readsPerFile);
        }

        /// <summary>
        /// The second seed's own shape (issue 18, target 5): Sanger clone files, each a handful of reads of
        /// 400-1100 scores, 40 files in each of t1_1..t6_2 (about 9 MB in 480 files).
        /// </summary>
        public const int SangerFilesPerDirectory = 40, SangerReadsPerFile = 8, SangerMinLength = 400, SangerMaxLength = 1100;

        public static void WriteSangerQual(string root) =>
            QualDataSetGenerator.Write(root, Seed, SangerFilesPerDirectory, SangerReadsPerFile, SangerMinLength, SangerMaxLength);

        public static void WriteFastq(string directory, long bytes, bool gzip)
        {
            Directory.CreateDirectory(directory);
            int reads = (int)Math.Max(1, bytes / FastqFiles / FastqBytesPerRead);
            Parallel.For(0, FastqFiles, f =>
                QualDataSetGenerator.WriteFastq(Path.Combine(directory, $"reads_{f + 1}.fastq" + (gzip ? ".gz" : "")), Seed + f, reads, ReadLength));
        }
    }
}
