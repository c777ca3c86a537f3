using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace ParallelJobs.Bench
{
    /// <summary>The `all` command: every row of issue 5 in one run, one table, a verdict per target.</summary>
    internal static class BenchRun
    {
        public static int Run(BenchOptions o)
        {
            var total = Stopwatch.StartNew();
            string loadBefore = LoadAverage();
            var table = new ResultTable();
            bool ownWork = o.WorkDir == null;
            string work = o.WorkDir ?? Path.Combine(Path.GetTempPath(), "parallel-jobs-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(work);
            Console.Error.WriteLine($"bench: data under {work}; rows {string.Join(",", o.Rows.OrderBy(r => r))}{(o.Quick ? " (quick)" : "")}");
            var memory = new List<(string, QualityBench.Measurement?, QualityBench.Measurement?)>();
            try
            {
                if (o.Rows.Contains("1")) Step("row 1", () => SchedulerBench.CostPerJob(table, o.Jobs, o.Repeats, o.RepoRoot));
                if (o.Rows.Contains("2")) Step("row 2", () => SchedulerBench.SchedulingLatency(table, 200, 5, 20, o.Quick ? 1 : 2, o.RepoRoot));
                if (o.Rows.Contains("3") || o.Rows.Contains("5")) Step("row 3", () => QualityBench.QualRows(table, o, work, memory));
                if (o.Rows.Contains("4") || o.Rows.Contains("5")) Step("row 4", () => QualityBench.FastqRows(table, o, work, memory));
                if (o.Rows.Contains("5")) QualityBench.MemoryRows(table, o, memory);
                if (o.Rows.Contains("7")) Step("row 7", () => GzipBench.Rows(table, o, work));
                if (o.Rows.Contains("8")) Step("row 8", () => QcReportBench.Rows(table, o, work));
                if (o.Rows.Contains("9")) Step("row 9", () => SmallFilesBench.Rows(table, o, work));
                if (o.Rows.Contains("6")) Step("row 6", () => PwshBench.Run(table, o.RepoRoot, o.Jobs, o.Quick ? 50 : 200, o.Repeats, work));
                // Need the loopback test hosts and the test cluster (bench/run.sh starts them, or says why it could not).
                if (o.Rows.Contains("ssh")) Step("row ssh", () => SshBench.Rows(table, o.Quick));
                if (o.Rows.Contains("slurm")) Step("row slurm", () => SlurmBench.Rows(table, o.Quick));
            }
            finally
            {
                if (ownWork && !o.KeepData)
                {
                    try { Directory.Delete(work, recursive: true); }
                    catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { Console.Error.WriteLine($"bench: could not remove {work}: {e.Message}"); }
                }
            }
            total.Stop();
            string header = $"ParallelJobs benchmark (issue 5), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Machine()}, {(o.Quick ? "quick" : "full")} run in {ResultTable.F(total.Elapsed.TotalSeconds, 0)} s, load average {loadBefore} at start, {LoadAverage()} at end";
            string rendered = table.Render(header);
            Console.WriteLine();
            Console.WriteLine(rendered);
            if (o.ResultsPath != null) File.WriteAllText(o.ResultsPath, rendered);
            return 0;
        }

        private static void Step(string name, Action action)
        {
            var sw = Stopwatch.StartNew();
            Console.Error.WriteLine($"bench: {name} ...");
            action();
            Console.Error.WriteLine($"bench: {name} done in {ResultTable.F(sw.Elapsed.TotalSeconds, 1)} s");
        }

        /// <summary>The 1-minute load average: how busy the shared machine was (2 cores: above 2 means others were running too).</summary>
        public static string LoadAverage()
        {
            try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
            catch (IOException) { return "?"; }
        }

        /// <summary>nproc, CPU model and memory, for the table's header.</summary>
        public static string Machine()
        {
            string cpu = "unknown CPU";
            try
            {
                var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (model != null) cpu = model.Substring(model.IndexOf(':') + 1).Trim();
            }
            catch (IOException) { }
            string mem = "";
            try
            {
                var total = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
                if (total != null)
                {
                    long kb = long.Parse(total.Substring(9).Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    mem = $", {ResultTable.F(kb / 1048576.0, 1)} GiB RAM";
                }
            }
            catch (IOException) { }
            return $"{Environment.ProcessorCount} logical CPUs ({cpu}){mem}, .NET {Environment.Version}";
        }
    }
}
