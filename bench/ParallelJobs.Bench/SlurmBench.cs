using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using ParallelJobs.Slurm;

namespace ParallelJobs.Bench
{
    /// <summary>
    /// The Slurm row: N commands "sleep 0.1" with throttle T through the engine's Slurm run, against a
    /// hand-written "sbatch --array=0-(N-1)%T --wait" of the same command, in the same run on the same
    /// cluster (SLURM_CONF, e.g. from tests/infra/slurm-cluster.sh). Prints wall times, their ratio and the
    /// number of Slurm client calls the engine made.
    /// </summary>
    /// <remarks>Usage: slurm [N=200] [T=2] [--engine-first]</remarks>
    internal static class SlurmBench
    {
        public static int ChildMain(string[] args)
        {
            int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
            int throttle = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
            bool engineFirst = Array.IndexOf(args, "--engine-first") >= 0;
            string? missing = Missing();
            if (missing != null)
            {
                Console.Error.WriteLine("slurm: " + missing);
                return 2;
            }
            var m = Measure(n, throttle, engineFirst);
            Console.WriteLine($"slurm row: {n} × 'sleep 0.1', throttle {throttle}");
            Console.WriteLine($"  hand-written sbatch --array=0-{n - 1}%{throttle} --wait: {m.Hand:F1} s ({n} tasks, 1 Slurm call)");
            Console.WriteLine($"  engine (SlurmRun, default settings):           {m.Engine:F1} s ({m.Tasks} tasks, {m.Calls} Slurm calls, {m.Calls / m.Engine:F2} calls/s)");
            Console.WriteLine($"  ratio engine / hand: {m.Engine / m.Hand:F3} (target ≤ 1.2)");
            return 0;
        }

        /// <summary>
        /// The row in the `all` table: the engine's wall time against the hand-written array measured just before
        /// it in the same run, their ratio (target at most 1.2), and the Slurm client calls the engine made.
        /// </summary>
        public static void Rows(ResultTable table, bool quick)
        {
            const string row = "slurm";
            int n = quick ? 40 : 200, throttle = 2;
            string? missing = Missing();
            if (missing != null)
            {
                table.Skipped(row, "engine / hand-written sbatch --array", missing);
                return;
            }
            var m = Measure(n, throttle, engineFirst: false);
            table.Add(row, $"hand-written sbatch --array=0-{n - 1}%{throttle} --wait, {n} × sleep 0.1 ({n} tasks, 1 Slurm call; anchor)", $"{ResultTable.F(m.Hand, 1)} s", "1.00");
            table.Add(row, $"engine SlurmRun (what -Slurm runs), same commands ({m.Tasks} tasks, {m.Calls} Slurm client calls, {ResultTable.F(m.Calls / m.Engine, 2)}/s)",
                $"{ResultTable.F(m.Engine, 1)} s", $"{ResultTable.F(m.Engine / m.Hand, 3)} × hand", "≤ 1.2 × hand");
            table.Target(row, "Slurm run wall time / hand-written array", m.Engine / m.Hand, 1.2, atMost: true);
        }

        /// <summary>Why the row cannot run here (no Slurm client, no cluster to talk to); null when it can.</summary>
        private static string? Missing()
        {
            string? reason = Environment.GetEnvironmentVariable("PJ_BENCH_SLURM_SKIP");
            if (!string.IsNullOrEmpty(reason)) return reason;
            if (ExternalCommand.Which("sbatch") == null)
                return "sbatch is not on PATH (Debian: tests/infra/slurm-cluster.sh start installs and starts a test cluster)";
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SLURM_CONF")) && !File.Exists("/etc/slurm/slurm.conf"))
                return "no cluster configured: SLURM_CONF is not set (eval \"$(bash tests/infra/slurm-cluster.sh env)\")";
            return null;
        }

        private static (double Hand, double Engine, int Calls, int Tasks) Measure(int n, int throttle, bool engineFirst)
        {
            string work = Path.Combine(Path.GetTempPath(), "pj-slurm-bench-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(work);
            try
            {
                double hand = 0, engine = 0;
                int calls = 0, tasks = 0;
                for (int round = 0; round < 2; round++)
                {
                    if ((round == 0) == engineFirst) (engine, calls, tasks) = Engine(n, throttle, Path.Combine(work, "engine"));
                    else hand = Hand(n, throttle, work);
                }
                return (hand, engine, calls, tasks);
            }
            finally
            {
                try { Directory.Delete(work, true); } catch (IOException) { }
            }
        }

        private static double Hand(int n, int throttle, string work)
        {
            var sw = Stopwatch.StartNew();
            var o = ExternalCommand.Run("sbatch", new[] { "--wait", "--array=0-" + (n - 1) + "%" + throttle, "--output=/dev/null", "--chdir=" + work, "--wrap", "sleep 0.1" });
            sw.Stop();
            if (!o.Ok) throw new InvalidOperationException("sbatch --wait failed: " + o.Stderr);
            return sw.Elapsed.TotalSeconds;
        }

        private static (double Seconds, int Calls, int Tasks) Engine(int n, int throttle, string runDirectory)
        {
            var options = new SlurmRunOptions { ThrottleLimit = throttle, RunDirectory = runDirectory };
            var sw = Stopwatch.StartNew();
            using var run = new SlurmRun(options);
            for (int i = 0; i < n; i++) run.Add("sleep 0.1");
            run.CompleteAdding();
            var taskIds = new HashSet<string>();
            int failed = 0;
            while (true)
            {
                if (!run.TryTake(out var e, 1000)) continue;
                if (e!.Kind == SlurmRunEventKind.CommandFinished)
                {
                    if (e.Result!.ClusterJobId != null) taskIds.Add(e.Result.ClusterJobId);
                    if (!e.Result.Result.Succeeded) failed++;
                }
                if (e.Kind == SlurmRunEventKind.RunCompleted) break;
            }
            sw.Stop();
            if (failed > 0) throw new InvalidOperationException($"{failed} commands failed in the engine's Slurm run");
            return (sw.Elapsed.TotalSeconds, run.SlurmCalls, taskIds.Count);
        }
    }
}
