using System;
using System.IO;
using System.Linq;

namespace ParallelJobs.Bench
{
    /// <summary>
    /// Row 7: gzip-compressed FASTQ, where users are. The large plain set's reads as one file compressed by gzip -6
    /// (one ordinary member) and by bgzip (BGZF blocks), read by the engine with 1 and 2 workers, against the
    /// decompressors measured in the same run on the same file: igzip (ISA-L, Debian 'isal'), pigz, zcat and gzip -t.
    /// Every MB/s is of the uncompressed FASTQ. A missing tool skips its row with the package that has it.
    /// </summary>
    internal static class GzipBench
    {
        public static void Rows(ResultTable table, BenchOptions o, string work)
        {
            if (ExternalCommand.Which("gzip") == null)
            {
                table.Skipped("7", "gzip FASTQ targets", "gzip is not installed (Debian/Ubuntu: sudo apt-get install -y gzip)");
                return;
            }
            string largePlain = DataSets.FastqSet(work, o.LargeSizeMb, false);
            string onePlain = DataSets.FastqOneFile(work, largePlain);
            string plainFile = Directory.GetFiles(onePlain).Single();
            long plainBytes = new FileInfo(plainFile).Length;
            int repeats = o.Quick ? 1 : 2, processes = o.Quick ? 1 : 2;

            string gzDir = Path.Combine(work, "fastq-one-gzip6");
            string gzFile = Path.Combine(gzDir, "reads.fastq.gz");
            if (!File.Exists(gzFile))
            {
                Directory.CreateDirectory(gzDir);
                var made = ExternalCommand.Shell($"gzip -6 -c {Quote(plainFile)} > {Quote(gzFile)}");
                if (!made.Ok) { table.Skipped("7", "gzip FASTQ targets", "gzip -6 failed: " + made.Stderr.Trim()); return; }
            }
            double MBps(double seconds) => plainBytes / 1048576.0 / seconds;
            string Rate(double seconds) => $"{ResultTable.F(MBps(seconds), 0)} MB/s";

            // Anchors first and after the engine; the fastest of each is kept (noise only ever adds time).
            ExternalCommand.Outcome? igzip = null, pigz = null, zcat = null, gzipT = null;
            void Anchors()
            {
                igzip = Better(igzip, ExternalCommand.Which("igzip") == null ? null : ExternalCommand.BestOf(2, () => ExternalCommand.Shell($"igzip -dc {Quote(gzFile)} > /dev/null")));
                pigz = Better(pigz, ExternalCommand.Which("pigz") == null ? null : ExternalCommand.BestOf(2, () => ExternalCommand.Shell($"pigz -dc {Quote(gzFile)} > /dev/null")));
                zcat = Better(zcat, ExternalCommand.BestOf(2, () => ExternalCommand.Shell($"zcat {Quote(gzFile)} > /dev/null")));
                gzipT = Better(gzipT, ExternalCommand.BestOf(2, () => ExternalCommand.Shell($"gzip -t {Quote(gzFile)}")));
            }
            Anchors();
            var engine = QualityBench.RunChildrenBest(gzDir, new[] { 1, 2 }, repeats, processes, largeSet: true);
            Anchors();
            if (engine[0].Error != null || engine[1].Error != null)
            {
                table.Skipped("7", "gzip FASTQ targets", "engine failed: " + (engine[0].Error ?? engine[1].Error));
                return;
            }
            string gzSize = Mb(new FileInfo(gzFile).Length);
            if (igzip != null) table.Add("7", $"igzip -dc reads.fastq.gz > /dev/null (ISA-L, one thread), {gzSize} gzip -6", Rate(igzip.Seconds), "1.00");
            else table.Note("row 7: igzip is not installed (Debian/Ubuntu: sudo apt-get install -y isal): the single-member target is not judged");
            if (pigz != null) table.Add("7", "  pigz -dc (anchor)", Rate(pigz.Seconds), Vs(pigz, igzip));
            table.Add("7", "  zcat (anchor)", Rate(zcat!.Seconds), Vs(zcat, igzip));
            table.Add("7", "  gzip -t (anchor: decompression and check, nothing written)", Rate(gzipT!.Seconds), Vs(gzipT, igzip));
            table.Add("7", "engine FASTQ.gz, one gzip -6 file, 1 worker", Rate(engine[0].Seconds), VsSeconds(engine[0].Seconds, igzip));
            table.Add("7", "engine FASTQ.gz, one gzip -6 file, 2 workers (inflate and parse on two threads)", Rate(engine[1].Seconds),
                VsSeconds(engine[1].Seconds, igzip) + $"; {ResultTable.F(engine[0].Seconds / engine[1].Seconds)} × 1 worker", "wall ≤ 1.0 × igzip");
            if (igzip != null) table.Target("7", "one gzip -6 file, 2 workers, wall vs igzip -dc", engine[1].Seconds / igzip.Seconds, 1.0, atMost: true);
            else table.Skipped("7", "one gzip -6 file, 2 workers ≤ 1.0 × igzip", "igzip is not installed (Debian/Ubuntu: sudo apt-get install -y isal)");

            if (ExternalCommand.Which("bgzip") == null)
            {
                table.Skipped("7", "BGZF 2 workers ≥ 1.8 × 1 worker", "bgzip is not installed (Debian/Ubuntu: sudo apt-get install -y tabix)");
                return;
            }
            string bgzfDir = Path.Combine(work, "fastq-one-bgzf");
            string bgzfFile = Path.Combine(bgzfDir, "reads.fastq.gz");
            if (!File.Exists(bgzfFile))
            {
                Directory.CreateDirectory(bgzfDir);
                var made = ExternalCommand.Shell($"bgzip -c {Quote(plainFile)} > {Quote(bgzfFile)}");
                if (!made.Ok) { table.Skipped("7", "BGZF 2 workers ≥ 1.8 × 1 worker", "bgzip failed: " + made.Stderr.Trim()); return; }
            }
            var bgzipD = ExternalCommand.BestOf(2, () => ExternalCommand.Shell($"bgzip -d -c -@ 2 {Quote(bgzfFile)} > /dev/null"));
            var bgzf = QualityBench.RunChildrenBest(bgzfDir, new[] { 1, 2 }, repeats, processes, largeSet: true);
            if (bgzf[0].Error != null || bgzf[1].Error != null)
            {
                table.Skipped("7", "BGZF 2 workers ≥ 1.8 × 1 worker", "engine failed: " + (bgzf[0].Error ?? bgzf[1].Error));
                return;
            }
            string bgzfSize = Mb(new FileInfo(bgzfFile).Length);
            table.Add("7", $"bgzip -d -@ 2 (anchor), one BGZF file, {bgzfSize}", Rate(bgzipD.Seconds), Vs(bgzipD, igzip));
            table.Add("7", "engine FASTQ.gz, one BGZF file, 1 worker", Rate(bgzf[0].Seconds), VsSeconds(bgzf[0].Seconds, igzip));
            double scaling = bgzf[0].Seconds / bgzf[1].Seconds;
            table.Add("7", "engine FASTQ.gz, one BGZF file, 2 workers (blocks decoded in parallel)", Rate(bgzf[1].Seconds),
                VsSeconds(bgzf[1].Seconds, igzip) + $"; {ResultTable.F(scaling)} × 1 worker", "≥ 1.8 × 1 worker");
            table.Target("7", "one BGZF file, 2 workers vs 1 worker", scaling, 1.8, atMost: false);
        }

        private static ExternalCommand.Outcome? Better(ExternalCommand.Outcome? a, ExternalCommand.Outcome? b) =>
            b == null || !b.Ok ? a : a == null || b.Seconds < a.Seconds ? b : a;

        private static string Vs(ExternalCommand.Outcome? m, ExternalCommand.Outcome? igzip) => m == null ? "" : VsSeconds(m.Seconds, igzip);

        /// <summary>Wall time against igzip's: 1.00 is as fast, below is faster.</summary>
        private static string VsSeconds(double seconds, ExternalCommand.Outcome? igzip) =>
            igzip == null ? "" : $"{ResultTable.F(seconds / igzip.Seconds)} × igzip's time";

        private static string Mb(long bytes) => $"{ResultTable.F(bytes / 1048576.0, 0)} MB";

        private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
