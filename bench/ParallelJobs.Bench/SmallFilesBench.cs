using System.IO;
using System.Linq;

namespace ParallelJobs.Bench
{
    /// <summary>
    /// Row 9 (issue 18, target 5): the second seed's own shape, many small .qual files of Sanger-length reads (12
    /// directories × 40 files × 8 reads of 400–1100 scores, by the project's generator), against two anchors measured
    /// in the same run: the same bytes as one large file per directory (each directory's files concatenated, so the
    /// same reads and the same numbers), and the seed's own Python function on the small files.
    /// </summary>
    internal static class SmallFilesBench
    {
        public static void Rows(ResultTable table, BenchOptions o, string work)
        {
            string small = DataSets.SangerQualSet(work);
            string joined = DataSets.OneFilePerDirectory(work, small);
            int files = Directory.GetFiles(small, "*", SearchOption.AllDirectories).Length;
            int repeats = o.Quick ? 1 : 10, processes = o.Quick ? 1 : 3;
            // Small and large alternate (small, large, small, large, ...), so a slow spell of the VM hits both sides of the ratio.
            QualityBench.Measurement? s1 = null, j1 = null;
            for (int i = 0; i < processes; i++)
            {
                s1 = Best(s1, QualityBench.RunChild(small, 1, repeats));
                j1 = Best(j1, QualityBench.RunChild(joined, 1, repeats));
            }
            var s2 = QualityBench.RunChildBest(small, 2, repeats, processes);
            var failed = new[] { s1!, j1!, s2 }.FirstOrDefault(m => m.Error != null);
            if (failed != null) { table.Skipped("9", "many small .qual files", "engine failed: " + failed.Error); return; }

            string script = Path.Combine(o.RepoRoot, "bench", "seed_quality.py");
            QualityBench.Measurement? py = null;
            if (ExternalCommand.Which("python3") == null) table.Note("python3 not found: the seed's Python anchor of row 9 is skipped");
            else
            {
                py = QualityBench.RunPython(script, "serial", small, o.Quick ? 1 : 2);
                if (py.Error != null) table.Note("row 9 python anchor failed: " + py.Error);
                else py.Bytes = s1!.Bytes;
            }
            bool havePython = py != null && py.Error == null;
            string shape = $"{files} files, {QualityBench.Mb(s1!.Bytes)}";
            if (havePython)
                table.Add("9", $"seed get_quality_distribution, python3 serial, {shape} (anchor)", QualityBench.Rate(py!), "1.00");
            table.Add("9", $"engine .qual, the same bytes as one file per directory (12 files), 1 worker (anchor)", QualityBench.Rate(j1!), "1.00");
            table.Add("9", $"engine .qual, many small files: {shape} (40 per directory, 8 reads of 400–1100 scores each), 1 worker",
                QualityBench.Rate(s1) + $", {ResultTable.F(s1.Seconds * 1e6 / files, 0)} µs per file",
                $"{ResultTable.F(s1.MBps / j1!.MBps)} × one file per directory" + (havePython ? $"; {ResultTable.F(s1.MBps / py!.MBps, 1)} × python" : ""),
                "≥ 0.7 × large files; ≥ 50 × python");
            table.Add("9", $"  the same, first run in a fresh process (no target)", $"{ResultTable.F(s1.Bytes / 1048576.0 / s1.ColdSeconds, 1)} MB/s",
                $"{ResultTable.F(s1.Seconds / s1.ColdSeconds)} × warm");
            table.Add("9", $"engine .qual, many small files, 2 workers (no target)", QualityBench.Rate(s2), $"{ResultTable.F(s2.MBps / s1.MBps)} × 1 worker");
            table.Target("9", "many small .qual files vs the same bytes in one file per directory, 1 worker", s1.MBps / j1.MBps, 0.7, atMost: false);
            if (havePython) table.Target("9", "many small .qual files, 1 worker, vs seed Python serial on them", s1.MBps / py!.MBps, 50, atMost: false);
            else table.Skipped("9", "many small .qual files ≥ 50 × seed Python", "the Python anchor did not run");
            if (havePython && py!.Scores != s1.Scores)
                table.Note($"row 9: score counts differ between the engine ({s1.Scores}) and the seed's function ({py.Scores})");
            if (s1.Scores != j1.Scores)
                table.Note($"row 9: score counts differ between the small files ({s1.Scores}) and the same bytes joined ({j1.Scores})");
        }

        private static QualityBench.Measurement Best(QualityBench.Measurement? best, QualityBench.Measurement m) =>
            best == null || m.Error != null ? m : best.Error != null || m.Seconds < best.Seconds ? m : best;
    }
}
