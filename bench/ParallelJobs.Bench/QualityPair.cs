using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using ParallelJobs.Quality;

namespace ParallelJobs.Bench
{
    /// <summary>
    /// The machine's own reference for row 3's "2 workers against 1": how much two independent copies of the
    /// same work get done at once on this machine, with nothing shared between them. The data set's inputs
    /// are dealt into two halves (alternately, so the halves are alike); each round times half A alone, half B
    /// alone (1 worker each), then both at once in two threads started together; then the engine itself over the
    /// whole set with 1 worker and with 2. Run in one process, rounds alternate, so a slow spell of the VM hits
    /// every configuration alike (the target's own children are separate processes, for their peak memory).
    /// </summary>
    internal static class QualityPair
    {
        /// <summary>`quality-pair --path ROOT [--repeats R]`: prints solo=, pair=, bytes=, cpusolo=, cpupair=, one=, two=.</summary>
        public static int ChildMain(string[] args)
        {
            string? path = null; int repeats = 3;
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--path": path = args[++i]; break;
                    case "--repeats": repeats = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    default: throw new ArgumentException("unknown option " + args[i]);
                }
            }
            if (path == null) throw new ArgumentException("--path is required");
            var inputs = EngineQuality.Inputs(path);
            if (inputs.Count < 2)
            {
                Console.WriteLine("error=the data set has fewer than two inputs to deal into halves");
                return 4;
            }
            var halfA = inputs.Where((_, i) => i % 2 == 0).ToList();
            var halfB = inputs.Where((_, i) => i % 2 == 1).ToList();

            string? failure = null;
            // One engine run over some of the inputs (1 worker unless told), timed.
            double Time(System.Collections.Generic.IReadOnlyList<QualityInput> half, int workers = 1)
            {
                var sw = Stopwatch.StartNew();
                var t = EngineQuality.Compute(half, workers, CancellationToken.None);
                if (t.FailedFiles > 0) failure ??= $"{t.FailedFiles} of {t.Files} files failed, first: {t.FirstError}";
                return sw.Elapsed.TotalSeconds;
            }
            double Pair()
            {
                using var go = new ManualResetEventSlim(false);
                var threads = new[] { halfA, halfB }.Select(h => new Thread(() => { go.Wait(); Time(h); })).ToArray();
                foreach (var t in threads) t.Start();
                var sw = Stopwatch.StartNew();
                go.Set();
                foreach (var t in threads) t.Join();
                return sw.Elapsed.TotalSeconds;
            }
            static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

            // As the quality child: until the JIT has settled (at least a second), then the best of R.
            var settle = Stopwatch.StartNew();
            do { Time(halfA); Pair(); }
            while (settle.Elapsed.TotalSeconds < 1.0);
            double bestSolo = double.MaxValue, bestPair = double.MaxValue, cpuSolo = 0, cpuPair = 0, bestOne = double.MaxValue, bestTwo = double.MaxValue;
            for (int r = 0; r < repeats; r++)
            {
                double c0 = Cpu();
                double solo = Time(halfA) + Time(halfB);
                double c1 = Cpu();
                double pair = Pair();
                double c2 = Cpu();
                if (solo < bestSolo) { bestSolo = solo; cpuSolo = c1 - c0; }
                if (pair < bestPair) { bestPair = pair; cpuPair = c2 - c1; }
                bestOne = Math.Min(bestOne, Time(inputs, 1));
                bestTwo = Math.Min(bestTwo, Time(inputs, 2));
            }
            if (failure != null)
            {
                Console.WriteLine("error=" + failure);
                return 4;
            }
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "solo={0:R} pair={1:R} bytes={2} cpusolo={3:R} cpupair={4:R} one={5:R} two={6:R}",
                bestSolo, bestPair, DataSets.SizeOf(path), cpuSolo, cpuPair, bestOne, bestTwo));
            return 0;
        }
    }
}
