using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using ParallelJobs.Reports;
using ParallelJobs.Statistics;

namespace ParallelJobs.Bench
{
    /// <summary>
    /// `distribution-files [N] [LENGTH] [READS]`: N distributions of READS reads of LENGTH bases (scores 2..41 at
    /// random, as Illumina's), each saved to its own file as N machines would (Export-QualityDistribution), then all
    /// loaded (Import-QualityDistribution) and merged (Merge-QualityDistribution). Prints the time of each step (best
    /// of three) and checks that the merge equals the sum of the histograms, row for row.
    /// </summary>
    internal static class DistributionFilesBench
    {
        public static int ChildMain(string[] args)
        {
            int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
            int length = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 150;
            int reads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
            var parts = new List<QualityDistribution>(n);
            var total = new QualityHistogram();
            var random = new Random(42);
            for (int i = 0; i < n; i++)
            {
                var h = new QualityHistogram();
                h.EnsureLength(length);
                for (int r = 0; r < reads; r++)
                {
                    for (int p = 0; p < length; p++) h.AddScore(p, 2 + random.Next(40));
                    h.AddRead(length);
                }
                total.Add(h);
                var d = QualityDistribution.FromHistogram("part" + i, "", h);
                d.FileCount = 1;
                d.Files = new[] { "part" + i + ".fastq" };
                parts.Add(d);
            }
            string dir = Path.Combine(Path.GetTempPath(), "pj-distribution-files-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                double bestExport = double.MaxValue, bestImport = double.MaxValue, bestMerge = double.MaxValue, bestTotal = double.MaxValue, bestCpu = double.MaxValue;
                long bytes = 0;
                QualityDistribution? merged = null;
                for (int repeat = 0; repeat < 3; repeat++)
                {
                    var paths = new string[n];
                    var self = Process.GetCurrentProcess();
                    TimeSpan cpu0 = self.TotalProcessorTime;
                    var clock = Stopwatch.StartNew();
                    for (int i = 0; i < n; i++)
                    {
                        paths[i] = Path.Combine(dir, "r" + repeat + "-" + i + ".json");
                        QualityDistributionFile.Save(paths[i], new[] { parts[i] }, overwrite: false);
                    }
                    double export = clock.Elapsed.TotalSeconds;
                    clock.Restart();
                    var loaded = new List<QualityDistribution>(n);
                    foreach (string path in paths) loaded.AddRange(QualityDistributionFile.Load(path));
                    double import = clock.Elapsed.TotalSeconds;
                    clock.Restart();
                    merged = QualityDistributionMerge.Merge(loaded);
                    double merge = clock.Elapsed.TotalSeconds;
                    self.Refresh();
                    bestCpu = Math.Min(bestCpu, (self.TotalProcessorTime - cpu0).TotalSeconds);
                    bytes = 0;
                    foreach (string path in paths) bytes += new FileInfo(path).Length;
                    bestExport = Math.Min(bestExport, export);
                    bestImport = Math.Min(bestImport, import);
                    bestMerge = Math.Min(bestMerge, merge);
                    bestTotal = Math.Min(bestTotal, export + import + merge);
                }
                var expected = PositionQuality.Rows(total.ToCounts(), "Merged", out _);
                bool exact = merged!.ReadCount == total.ReadCount && merged.Positions.Length == expected.Length;
                for (int i = 0; exact && i < expected.Length; i++)
                {
                    var e = expected[i];
                    var a = merged.Positions[i];
                    exact = e.Count == a.Count && e.Mean.Equals(a.Mean) && e.Median == a.Median && e.LowerQuartile == a.LowerQuartile
                        && e.UpperQuartile == a.UpperQuartile && e.Percentile10 == a.Percentile10 && e.Percentile90 == a.Percentile90
                        && e.Minimum == a.Minimum && e.Maximum == a.Maximum;
                }
                string F(double s) => (s * 1000).ToString("F0", CultureInfo.InvariantCulture) + " ms";
                Console.WriteLine($"{n} distributions of {reads} reads × {length} bp, one file each ({bytes / n} bytes per file), best of 3: "
                    + $"export {F(bestExport)}, import {F(bestImport)}, merge {F(bestMerge)}, total {F(bestTotal)}, CPU {F(bestCpu)} (target: under 1000 ms); merge {(exact ? "exact" : "NOT EXACT")}");
                Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "export={0:R} import={1:R} merge={2:R} total={3:R} exact={4}",
                    bestExport * 1000, bestImport * 1000, bestMerge * 1000, bestTotal * 1000, exact ? "true" : "false"));
                return exact ? 0 : 1;
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
