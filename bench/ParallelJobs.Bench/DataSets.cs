using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace ParallelJobs.Bench
{
    /// <summary>Where the generated data of a run live, and the gen-* commands for people who want the files.</summary>
    internal static class DataSets
    {
        public const int FastqFiles = QualDataSets.FastqFiles;

        public static string QualSet(string work, int sizeMb)
        {
            string root = Path.Combine(work, $"qual-{sizeMb}mb");
            if (!Directory.Exists(root)) { QualDataSets.WriteQual(root, (long)sizeMb << 20); Settle(); }
            return root;
        }

        public static string FastqSet(string work, int sizeMb, bool gzip)
        {
            string root = Path.Combine(work, $"fastq-{sizeMb}mb" + (gzip ? "-gz" : ""));
            if (!Directory.Exists(root)) { QualDataSets.WriteFastq(root, (long)sizeMb << 20, gzip); Settle(); }
            return root;
        }

        /// <summary>
        /// Writes the new data to disk before anything is timed: otherwise the kernel's write-back of hundreds of
        /// freshly written megabytes runs during the measurements, on the same two CPUs.
        /// </summary>
        private static void Settle()
        {
            if (ExternalCommand.Which("sync") != null) ExternalCommand.Run("sync", Array.Empty<string>());
        }

        /// <summary>The large plain FASTQ set's reads as one file (its files concatenated), as issue 5 describes row 4's input.</summary>
        public static string FastqOneFile(string work, string plainSet)
        {
            string root = Path.Combine(work, Path.GetFileName(plainSet) + "-one-file");
            if (!Directory.Exists(root))
            {
                Directory.CreateDirectory(root);
                // Written in 4 MB pieces: the page cache keeps a file in pieces as large as its writes (large
                // folios), and a file written 80 KB at a time reads measurably slower, for cat and engine alike.
                using (var output = File.Create(Path.Combine(root, "reads.fastq")))
                    foreach (var file in Directory.GetFiles(plainSet).OrderBy(f => f, StringComparer.Ordinal))
                        using (var input = File.OpenRead(file)) input.CopyTo(output, 4 << 20);
                Settle();
            }
            return root;
        }

        public static long SizeOf(string root) => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

        private static (string outDir, int sizeMb, bool gzip) ParseGen(string[] args)
        {
            string? outDir = null; int size = 10; bool gzip = false;
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--out": outDir = args[++i]; break;
                    case "--size-mb": size = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--gzip": gzip = true; break;
                    default: throw new ArgumentException("unknown option " + args[i]);
                }
            }
            return (outDir ?? throw new ArgumentException("--out DIR is required"), size, gzip);
        }

        public static int GenQualMain(string[] args)
        {
            var (dir, size, _) = ParseGen(args);
            QualDataSets.WriteQual(dir, (long)size << 20);
            Console.WriteLine($"{dir}: {SizeOf(dir) >> 20} MB of .qual in {Directory.GetDirectories(dir).Length} directories");
            return 0;
        }

        public static int GenFastqMain(string[] args)
        {
            var (dir, size, gzip) = ParseGen(args);
            QualDataSets.WriteFastq(dir, (long)size << 20, gzip);
            Console.WriteLine($"{dir}: {SizeOf(dir) >> 20} MB of FASTQ{(gzip ? ".gz" : "")} in {FastqFiles} files");
            return 0;
        }
    }
}
