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
            // The same parse without the Clear between files (counts pile up): parse alone; and with a merge of
            // each file into a running total, as a run does.
            histogram.Clear();
            double parseNoClear = Best(() =>
            {
                foreach (var f in files) QualityFileReader.Read(f, histogram, buffer, null, CancellationToken.None);
                histogram.Clear();
            });
            var total = new QualityHistogram();
            double parseMerge = Best(() =>
            {
                foreach (var f in files)
                {
                    histogram.Clear();
                    QualityFileReader.Read(f, histogram, buffer, null, CancellationToken.None);
                    total.Add(histogram);
                }
                total.Clear();
            });
            double openOnly = Best(() =>
            {
                foreach (var f in files)
                    using (var s = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan)) { }
            });
            double handleRead = Best(() =>
            {
                foreach (var f in files)
                    using (var h = File.OpenHandle(f, FileMode.Open, FileAccess.Read, FileShare.Read))
                    {
                        long offset = 0;
                        int n;
                        while ((n = RandomAccess.Read(h, buffer, offset)) > 0) offset += n;
                    }
            });
            double enumerate = Best(() => GC.KeepAlive(EngineQuality.Inputs(path)));
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
            double PerFile(double s) => s * 1e6 / files.Length;
            Console.WriteLine($"  open+close only (FileStream as the reader opens) {openOnly * 1000,8:F1} ms  {PerFile(openOnly),6:F1} us/file");
            Console.WriteLine($"  read via File.OpenHandle + RandomAccess.Read     {handleRead * 1000,8:F1} ms  {PerFile(handleRead),6:F1} us/file");
            Console.WriteLine($"  parse without Clear between files                {parseNoClear * 1000,8:F1} ms  {PerFile(parseNoClear),6:F1} us/file (Clear costs {PerFile(parse - parseNoClear):F1} us/file)");
            Console.WriteLine($"  parse + Clear + Add to a total, per file         {parseMerge * 1000,8:F1} ms  {PerFile(parseMerge),6:F1} us/file (Add costs {PerFile(parseMerge - parse):F1} us/file)");
            Console.WriteLine($"  finding the inputs (QualityInput.FromPath)       {enumerate * 1000,8:F1} ms  {PerFile(enumerate),6:F1} us/file");
            Console.WriteLine($"  QualityDistributionRun x1  {run1 * 1000,8:F1} ms  {Mbps(run1),8:F0} MB/s  (run overhead {(run1 - parseMerge - enumerate) * 1000:F1} ms beyond parse, Clear, Add and finding the inputs)");
            Console.WriteLine($"  statistics of {positions} positions (PositionQuality.FromCounts, 61 scores used) {stats * 1000:F1} ms");
            Console.WriteLine($"  QualityDistributionRun x2  {run2 * 1000,8:F1} ms  {Mbps(run2),8:F0} MB/s  ({run1 / run2:F2} x one worker)");
            return 0;
        }
    
        /// <summary>
        /// `loop-quality PATH [seconds] [workers] [runs]`: Get-QualityDistribution's engine over PATH again and again for
        /// that long, or that many runs (after a warm-up of 1.5 s), for a profiler to attach to (perf with DOTNET_PerfMapEnabled=1); prints the
        /// runs' best and median wall time, their CPU time and the bytes they allocated per run.
        /// </summary>
        public static int Loop(string[] args)
        {
            string path = args[0];
            double seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
            int workers = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1;
            int runs = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 0;
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed.TotalSeconds < 1.5) EngineQuality.Compute(path, workers, CancellationToken.None);
            var times = new System.Collections.Generic.List<double>();
            long allocated0 = GC.GetTotalAllocatedBytes(precise: true);
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var all = Stopwatch.StartNew();
            while (runs > 0 ? times.Count < runs : all.Elapsed.TotalSeconds < seconds)
            {
                var sw = Stopwatch.StartNew();
                EngineQuality.Compute(path, workers, CancellationToken.None);
                times.Add(sw.Elapsed.TotalMilliseconds);
            }
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / times.Count;
            double allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocated0) / (double)times.Count;
            times.Sort();
            long bytes = Directory.GetFiles(path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            Console.WriteLine($"{times.Count} runs over {bytes / 1048576.0:F1} MB, {workers} worker(s): best {times[0]:F2} ms ({bytes / 1048576.0 / times[0] * 1000:F0} MB/s), "
                + $"median {times[times.Count / 2]:F2} ms, CPU {cpu:F2} ms per run, {allocated / 1048576.0:F2} MB allocated per run");
            return 0;
        }
    }
}
