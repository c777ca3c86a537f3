using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using ParallelJobs.Quality;
using ParallelJobs.Parsing;
using ParallelJobs.Statistics;

namespace ParallelJobs.Bench
{
    /// <summary>
    /// `profile-quality PATH [repeats]`: where one worker's time goes on a data set, best of N each, in one
    /// process: reading the bytes, parsing them into a histogram (QualityFileReader.Read on this thread), and
    /// the whole QualityDistributionRun (threads, per-directory statistics). The differences are the costs.
    /// </summary>
    internal static class QualityProfile
    {
        public static int Run(string[] args)
        {
            string path = args[0];
            int repeats = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
            var files = Directory.GetFiles(path, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToArray();
            long bytes = files.Sum(f => new FileInfo(f).Length);
            var buffer = new byte[QualityFileReader.BufferSize];

            double Best(Action a)
            {
                double best = double.MaxValue;
                for (int i = 0; i < repeats; i++)
                {
                    var sw = Stopwatch.StartNew();
                    a();
                    best = Math.Min(best, sw.Elapsed.TotalSeconds);
                }
                return best;
            }

            double read = Best(() =>
            {
                foreach (var f in files)
                    using (var s = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
                        while (s.Read(buffer, 0, buffer.Length) > 0) { }
            });
            var histogram = new QualityHistogram();
            double parse = Best(() =>
            {
                foreach (var f in files)
                {
                    histogram.Clear();
                    QualityFileReader.Read(f, histogram, buffer, null, CancellationToken.None);
                }
            });
            double run1 = Best(() => EngineQuality.Compute(path, 1, CancellationToken.None));
            double run2 = Best(() => EngineQuality.Compute(path, 2, CancellationToken.None));
            // The statistics step alone: PositionQuality.FromCounts for as many positions as the results have.
            var summary = QualityDistributionRun.Compute(EngineQuality.Inputs(path), new QualityRunOptions { ThrottleLimit = 1 });
            int positions = summary.Distributions.Sum(d => d.Positions.Length);
            var counts = new long[QualityHistogram.ScoreCount];
            for (int q = 0; q <= 60; q++) counts[q] = 1000 + q * 37;
            double stats = Best(() => { for (int i = 0; i < positions; i++) PositionQuality.FromCounts(counts); });
            double Mbps(double s) => bytes / 1048576.0 / s;
            Console.WriteLine($"{files.Length} files, {bytes / 1048576.0:F1} MB, best of {repeats}:");
            Console.WriteLine($"  read bytes only            {read * 1000,8:F1} ms  {Mbps(read),8:F0} MB/s");
            Console.WriteLine($"  parse (this thread)        {parse * 1000,8:F1} ms  {Mbps(parse),8:F0} MB/s");
            Console.WriteLine($"  QualityDistributionRun x1  {run1 * 1000,8:F1} ms  {Mbps(run1),8:F0} MB/s  (run overhead {(run1 - parse) * 1000:F1} ms)");
            Console.WriteLine($"  statistics of {positions} positions (PositionQuality.FromCounts, 61 scores used) {stats * 1000:F1} ms");
            Console.WriteLine($"  QualityDistributionRun x2  {run2 * 1000,8:F1} ms  {Mbps(run2),8:F0} MB/s  ({run1 / run2:F2} x one worker)");
            return 0;
        }
    }
}
