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
            if (ExternalCommand.Which("sbatch") == null)
            {
                Console.Error.WriteLine("slurm: sbatch is not on PATH (Debian: tests/infra/slurm-cluster.sh start installs and starts a test cluster)");
                return 2;
            }
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
                Console.WriteLine($"slurm row: {n} × 'sleep 0.1', throttle {throttle}");
                Console.WriteLine($"  hand-written sbatch --array=0-{n - 1}%{throttle} --wait: {hand:F1} s ({n} tasks, 1 Slurm call)");
                Console.WriteLine($"  engine (SlurmRun, default settings):           {engine:F1} s ({tasks} tasks, {calls} Slurm calls, {calls / engine:F2} calls/s)");
                Console.WriteLine($"  ratio engine / hand: {engine / hand:F3} (target ≤ 1.2)");
                return 0;
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
