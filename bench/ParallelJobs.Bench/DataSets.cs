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

        /// <summary>The seed's shape: 12 directories of 40 small Sanger .qual files (<see cref="QualDataSets.WriteSangerQual"/>).</summary>
        public static string SangerQualSet(string work)
        {
            string root = Path.Combine(work, "qual-sanger-small-files");
            if (!Directory.Exists(root)) { QualDataSets.WriteSangerQual(root); Settle(); }
            return root;
        }

        /// <summary>
        /// The same bytes as a set of small files, each directory's files concatenated in name order into one
        /// file of the same name: the same reads, the same distributions, one file per directory.
        /// </summary>
        public static string OneFilePerDirectory(string work, string smallFilesSet)
        {
            string root = Path.Combine(work, Path.GetFileName(smallFilesSet) + "-joined");
            if (!Directory.Exists(root))
            {
                foreach (var dir in Directory.GetDirectories(smallFilesSet).OrderBy(d => d, StringComparer.Ordinal))
                {
                    string name = Path.GetFileName(dir);
                    Directory.CreateDirectory(Path.Combine(root, name));
                    using (var output = File.Create(Path.Combine(root, name, name + ".qual")))
                        foreach (var file in Directory.GetFiles(dir).OrderBy(f => f, StringComparer.Ordinal))
                            using (var input = File.OpenRead(file)) input.CopyTo(output);
                }
                Settle();
            }
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

        /// <summary>`gen-sanger-qual --out DIR`: the seed's shape of many small files (row 9), and DIR-joined, the same bytes one file per directory.</summary>
        public static int GenSangerQualMain(string[] args)
        {
            var (dir, _, _) = ParseGen(args);
            dir = Path.GetFullPath(dir);
            QualDataSets.WriteSangerQual(dir);
            string joined = OneFilePerDirectory(Path.GetDirectoryName(dir)!, dir);
            Console.WriteLine($"{dir}: {SizeOf(dir) >> 10} KB of .qual in {Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Length} files; {joined}: the same, one file per directory");
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
