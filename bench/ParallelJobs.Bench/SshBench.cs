using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using ParallelJobs.Remote;
using ParallelJobs.Scheduling;

namespace ParallelJobs.Bench
{
    /// <summary>
    /// The SSH row: N × "/bin/true i" over the loopback test hosts (tests/infra/ssh-hosts.sh: PJ_SSH_CONFIG,
    /// PJ_SSH_HOSTS) with 2 slots each, through the engine, through GNU parallel -S 2/h1,2/h2,2/h3 with the same
    /// ssh config, and the same commands run locally in as many slots; all in one run, so the ratios hold on
    /// this machine's load. The first command on fresh hosts (connection set-up: the engine's host check and
    /// one ControlMaster per host) is timed on its own.
    /// </summary>
    /// <remarks>Usage: ssh [N=2000] [GNU_N=N]: GNU parallel may get fewer commands (it opens one ssh connection per command).</remarks>
    internal static class SshBench
    {
        public static int ChildMain(string[] args)
        {
            int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
            int gnuN = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : n;
            string? config = Environment.GetEnvironmentVariable("PJ_SSH_CONFIG");
            string[] hosts = (Environment.GetEnvironmentVariable("PJ_SSH_HOSTS") ?? "").Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            if (string.IsNullOrEmpty(config) || hosts.Length == 0)
            {
                Console.Error.WriteLine("ssh: PJ_SSH_CONFIG and PJ_SSH_HOSTS are not set; start the hosts with `bash tests/infra/ssh-hosts.sh start` and `eval \"$(bash tests/infra/ssh-hosts.sh env)\"`");
                return 2;
            }
            const int slotsPerHost = 2;
            var entries = hosts.Select(h => $"{slotsPerHost}/{h}").ToArray();

            // First command on hosts with no shared connection yet: host checks, ControlMaster start, one command.
            double first = Remote(SchedulerBench.TrueJobs(1), entries, config!);
            double engine = Remote(SchedulerBench.TrueJobs(n), entries, config!);
            double local = SchedulerBench.RunEngine(SchedulerBench.TrueJobs(n), slotsPerHost * hosts.Length);
            double? gnu = null;
            if (ExternalCommand.Which("parallel") != null)
            {
                var o = ExternalCommand.Shell($"seq {gnuN} | parallel --will-cite --ssh 'ssh -F {config}' -S {string.Join(",", entries)} /bin/true");
                if (o.Ok) gnu = o.Seconds;
                else Console.Error.WriteLine("GNU parallel failed: " + o.Stderr);
            }
            double engineMs = engine * 1000 / n, localMs = local * 1000 / n;
            Console.WriteLine($"ssh row: {n} × /bin/true i over {hosts.Length} loopback hosts, {slotsPerHost} slots each");
            Console.WriteLine($"  engine over ssh (shared connections):       {F(engineMs)} ms/job ({engine:F2} s)");
            Console.WriteLine($"  same commands locally, {slotsPerHost * hosts.Length} slots:            {F(localMs)} ms/job ({local:F2} s); ssh costs {F(engineMs / localMs)} × local");
            Console.WriteLine($"  first command on fresh hosts (set-up):      {first * 1000:F0} ms");
            if (gnu.HasValue)
            {
                double gnuMs = gnu.Value * 1000 / gnuN;
                Console.WriteLine($"  GNU parallel -S {string.Join(",", entries)}: {F(gnuMs)} ms/job ({gnu.Value:F2} s for {gnuN})");
                Console.WriteLine($"  engine is {F(gnuMs / engineMs)} × cheaper per job than GNU parallel over ssh (target ≥ 2)");
            }
            else
            {
                Console.WriteLine("  GNU parallel: not run (not installed, or it failed)");
            }
            return 0;
        }

        private static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);

        /// <summary>Runs the commands over the hosts, each run with its own connections (closed when it ends).</summary>
        private static double Remote(IReadOnlyList<CommandSpec> specs, string[] entries, string config)
        {
            var options = new RunOptions { Hosts = SshHost.ParseAll(entries), Ssh = new SshSettings { ConfigFile = config } };
            var sw = Stopwatch.StartNew();
            using (var run = new ParallelRun(options))
            {
                foreach (var s in specs) run.Add(s);
                run.CompleteAdding();
                int failed = 0, finished = 0;
                run.Events.Drain(e =>
                {
                    if (e.Kind != RunEventKind.CommandFinished) return;
                    finished++;
                    if (!e.Result!.Succeeded) failed++;
                }, untilDrained: true);
                if (failed > 0 || finished != specs.Count) throw new InvalidOperationException($"ssh run: {failed} failed, {finished} of {specs.Count} finished");
            }
            sw.Stop();
            return sw.Elapsed.TotalSeconds;
        }
    }
}
