using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace ParallelJobs.Bench
{
    /// <summary>
    /// Row 8, the full QC report: (a) one large FASTQ counted with every per-read module on (-PerRead) and written as
    /// FastQC's text report, against the quality-only path and against `fastqc --threads 2` on the same file in the same
    /// run; (b) 1000 saved distributions of 150 bp reads exported, imported and merged, with an exactness check.
    /// </summary>
    internal static class QcReportBench
    {
        public static void Rows(ResultTable table, BenchOptions o, string work)
        {
            FullReport(table, o, work);
            DistributionFiles(table, o);
        }

        private static void FullReport(ResultTable table, BenchOptions o, string work)
        {
            string oneRoot = DataSets.FastqOneFile(work, DataSets.FastqSet(work, o.LargeSizeMb, false));
            string oneFile = Directory.GetFiles(oneRoot).Single();
            int repeats = o.Quick ? 1 : 2;
            // Alternated, so a slow spell of the shared VM hits each configuration alike.
            QualityBench.Measurement? q1 = null, r1 = null, r2 = null;
            for (int i = 0; i < (o.Quick ? 1 : 2); i++)
            {
                q1 = Best(q1, QualityBench.RunChild(oneRoot, 1, repeats));
                r1 = Best(r1, QualityBench.RunChild(oneRoot, 1, repeats, "--report"));
                r2 = Best(r2, QualityBench.RunChild(oneRoot, 2, repeats, "--report"));
            }
            var failed = new[] { q1!, r1!, r2! }.FirstOrDefault(m => m.Error != null);
            if (failed != null) { table.Skipped("8", "full report ≥ 20 × FastQC", "engine failed: " + failed.Error); return; }
            string mb = QualityBench.Mb(r1!.Bytes);
            table.Add("8", $"engine quality only, one {mb} FASTQ, 1 worker (reference)", QualityBench.Rate(q1!), "1.00");
            table.Add("8", $"engine full report (-PerRead, all modules, FastQC text), 1 worker", QualityBench.Rate(r1), $"{ResultTable.F(r1.MBps / q1!.MBps)} × quality only");
            table.Add("8", $"engine full report, 2 workers (byte ranges)", QualityBench.Rate(r2!) + $", {ResultTable.F(r2!.Seconds, 3)} s",
                $"{ResultTable.F(r2.MBps / r1.MBps)} × 1 worker; first run {ResultTable.F(r2.ColdSeconds, 3)} s");
            AgainstFastQc(table, work, oneFile, r2);
        }

        private static QualityBench.Measurement Best(QualityBench.Measurement? best, QualityBench.Measurement m) =>
            best == null || m.Error != null ? m : best.Error != null || m.Seconds < best.Seconds ? m : best;

        private static void AgainstFastQc(ResultTable table, string work, string oneFile, QualityBench.Measurement r2)
        {
            if (ExternalCommand.Which("fastqc") == null)
            {
                table.Skipped("8", "full report ≥ 20 × FastQC", "FastQC is not installed (Debian/Ubuntu: sudo apt-get install -y fastqc)");
                return;
            }
            string outDir = Path.Combine(work, "fastqc-out-row8");
            Directory.CreateDirectory(outDir);
            var fq = ExternalCommand.Shell($"fastqc --quiet --threads 2 --outdir {QualityBench.Quote(outDir)} {QualityBench.Quote(oneFile)}");
            if (!fq.Ok) { table.Skipped("8", "full report ≥ 20 × FastQC", "fastqc failed: " + QualityBench.FirstLine(fq.Stderr + fq.Stdout)); return; }
            table.Add("8", "FastQC --threads 2, the same file (anchor, whole process)", $"{ResultTable.F(fq.Seconds, 2)} s, {ResultTable.F(r2.Bytes / 1048576.0 / fq.Seconds, 1)} MB/s",
                $"engine 2 workers: {ResultTable.F(fq.Seconds / r2.Seconds, 1)} × (first run: {ResultTable.F(fq.Seconds / r2.ColdSeconds, 1)} ×)", "≥ 20 × FastQC");
            table.Target("8", "full report, 2 workers, wall vs FastQC --threads 2 (one file)", fq.Seconds / r2.Seconds, 20, atMost: false);
        }

        /// <summary>The `distribution-files` command in a child process: 1000 distributions of 150 bp reads.</summary>
        private static void DistributionFiles(ResultTable table, BenchOptions o)
        {
            var kv = QualityBench.RunSelf(out string? error, "distribution-files", "1000", "150", "100");
            if (error != null && !kv.ContainsKey("exact")) { table.Skipped("8", "1000 distributions < 1 s", "distribution-files failed: " + error); return; }
            double Ms(string key) => double.Parse(kv[key], CultureInfo.InvariantCulture);
            bool exact = kv["exact"] == "true";
            table.Add("8", "Export/Import/Merge-QualityDistribution, 1000 files of 100 reads × 150 bp (best of 3)",
                $"{ResultTable.F(Ms("total"), 0)} ms (export {ResultTable.F(Ms("export"), 0)}, import {ResultTable.F(Ms("import"), 0)}, merge {ResultTable.F(Ms("merge"), 0)})",
                exact ? "merge exact" : "merge NOT EXACT", "< 1000 ms, exact");
            table.Target("8", "1000 distributions exported, imported and merged (ms)", Ms("total"), 1000, atMost: true, unit: " ms");
            if (!exact) table.Note("row 8: the merge of 1000 loaded distributions differs from the sum of their histograms");
        }
    }
}
