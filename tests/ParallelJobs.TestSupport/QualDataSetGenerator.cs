using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;

namespace ParallelJobs.TestSupport
{
    /// <summary>
    /// Writes synthetic, deterministic (by seed) quality data: the quality lesson's twelve directories t1_1..t6_2 of
    /// phred-style .qual files, and FASTQ files for benchmarks. Scores follow a Sanger-like profile (low at the
    /// start, a plateau, a decline towards the end), slightly worse for higher treatment numbers, with noise.
    /// Callable from PowerShell: [ParallelJobs.TestSupport.QualDataSetGenerator]::Write($dir, 42, 20, 200).
    /// </summary>
    public static class QualDataSetGenerator
    {
        /// <summary>The lesson's directory names: t1_1, t1_2, ..., t6_2.</summary>
        public static IReadOnlyList<string> DirectoryNames()
        {
            var names = new List<string>();
            for (int treatment = 1; treatment <= 6; treatment++)
                for (int replicate = 1; replicate <= 2; replicate++)
                    names.Add("t" + treatment + "_" + replicate);
            return names;
        }

        /// <summary>
        /// Creates root/t1_1..t6_2, each with filesPerDirectory .qual files of readsPerFile reads of
        /// minLength..maxLength scores. Returns the directory paths. Same arguments, same bytes.
        /// </summary>
        public static string[] Write(string root, int seed, int filesPerDirectory, int readsPerFile, int minLength = 300, int maxLength = 800)
        {
            if (root == null) throw new ArgumentNullException(nameof(root));
            if (filesPerDirectory < 1 || readsPerFile < 0 || minLength < 0 || maxLength < minLength) throw new ArgumentOutOfRangeException(nameof(filesPerDirectory));
            var directories = new List<string>();
            int treatmentIndex = 0;
            foreach (string name in DirectoryNames())
            {
                int treatment = treatmentIndex++ / 2 + 1;
                string directory = System.IO.Path.Combine(root, name);
                Directory.CreateDirectory(directory);
                for (int file = 0; file < filesPerDirectory; file++)
                {
                    var random = new SplitMix64(unchecked((ulong)seed * 1000003UL + (ulong)(treatmentIndex * 10007 + file)));
                    string path = System.IO.Path.Combine(directory, name + "_" + (file + 1).ToString("D3") + ".qual");
                    using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                    {
                        WriteQual(stream, ref random, name + "_" + (file + 1), readsPerFile, minLength, maxLength, treatment);
                    }
                }
                directories.Add(directory);
            }
            return directories.ToArray();
        }

        /// <summary>Writes one FASTQ file (Phred+33 or +64; gzip when the path ends in .gz) of readCount reads of readLength bases.</summary>
        public static void WriteFastq(string path, int seed, int readCount, int readLength, int phredOffset = 33)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            if (phredOffset != 33 && phredOffset != 64) throw new ArgumentOutOfRangeException(nameof(phredOffset));
            var random = new SplitMix64(unchecked((ulong)seed));
            using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            using (Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Fastest) : (Stream)file)
            {
                var line = new byte[Math.Max(readLength, 64) + 2];
                const string bases = "ACGT";
                for (int read = 0; read < readCount; read++)
                {
                    string title = "@read" + read + "\n";
                    for (int i = 0; i < title.Length; i++) line[i] = (byte)title[i];
                    stream.Write(line, 0, title.Length);
                    for (int i = 0; i < readLength; i++) line[i] = (byte)bases[random.Next(4)];
                    line[readLength] = (byte)'\n';
                    stream.Write(line, 0, readLength + 1);
                    line[0] = (byte)'+';
                    line[1] = (byte)'\n';
                    stream.Write(line, 0, 2);
                    for (int i = 0; i < readLength; i++)
                    {
                        int score = Score(ref random, i, readLength, 1);
                        if (phredOffset == 64 && score > 62) score = 62;
                        line[i] = (byte)(score + phredOffset);
                    }
                    line[readLength] = (byte)'\n';
                    stream.Write(line, 0, readLength + 1);
                }
            }
        }

        private static void WriteQual(Stream stream, ref SplitMix64 random, string prefix, int reads, int minLength, int maxLength, int treatment)
        {
            var text = new byte[64 * 1024];
            int used = 0;
            for (int read = 0; read < reads; read++)
            {
                int length = random.Next(minLength, maxLength);
                string header = ">" + prefix + "_" + (read + 1) + " length=" + length + "\n";
                if (used + header.Length > text.Length) { stream.Write(text, 0, used); used = 0; }
                for (int i = 0; i < header.Length; i++) text[used++] = (byte)header[i];
                for (int i = 0; i < length; i++)
                {
                    if (used + 4 > text.Length) { stream.Write(text, 0, used); used = 0; }
                    int score = Score(ref random, i, length, treatment);
                    if (score >= 10) text[used++] = (byte)('0' + score / 10);
                    text[used++] = (byte)('0' + score % 10);
                    text[used++] = (i % 25 == 24 || i == length - 1) ? (byte)'\n' : (byte)' ';
                }
            }
            stream.Write(text, 0, used);
        }

        // Sanger-like shape: climbs over the first ~50 bases, plateau, then declines over the last third.
        private static int Score(ref SplitMix64 random, int position, int length, int treatment)
        {
            double relative = length <= 1 ? 0 : position / (double)(length - 1);
            double level = 42 - 1.5 * treatment;
            if (position < 50) level -= (50 - position) * 0.4;
            if (relative > 0.66) level -= (relative - 0.66) * 90;
            int score = (int)Math.Round(level) + random.Next(-8, 8);
            return score < 0 ? 0 : score > 60 ? 60 : score;
        }
    }
}
