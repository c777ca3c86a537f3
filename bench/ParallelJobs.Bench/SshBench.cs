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
            string? missing = Missing(out string config, out string[] hosts);
            if (missing != null)
            {
                Console.Error.WriteLine("ssh: " + missing);
                return 2;
            }
            var m = Measure(n, gnuN, config, hosts);
            double engineMs = m.Engine * 1000 / n, localMs = m.Local * 1000 / n;
            Console.WriteLine($"ssh row: {n} × /bin/true i over {hosts.Length} loopback hosts, {SlotsPerHost} slots each");
            Console.WriteLine($"  engine over ssh (shared connections):       {F(engineMs)} ms/job ({m.Engine:F2} s)");
            Console.WriteLine($"  same commands locally, {SlotsPerHost * hosts.Length} slots:            {F(localMs)} ms/job ({m.Local:F2} s); ssh costs {F(engineMs / localMs)} × local");
            Console.WriteLine($"  first command on fresh hosts (set-up):      {m.First * 1000:F0} ms");
            if (m.Gnu.HasValue)
            {
                double gnuMs = m.Gnu.Value * 1000 / gnuN;
                Console.WriteLine($"  GNU parallel -S {m.Entries}: {F(gnuMs)} ms/job ({m.Gnu.Value:F2} s for {gnuN})");
                Console.WriteLine($"  engine is {F(gnuMs / engineMs)} × cheaper per job than GNU parallel over ssh (target ≥ 2)");
            }
            else
            {
                Console.WriteLine("  GNU parallel: not run (not installed, or it failed)");
            }
            return 0;
        }

        /// <summary>
        /// The row in the `all` table: the engine's cost per command over the hosts against GNU parallel -S over the
        /// same hosts and ssh config, measured in the same run (GNU parallel gets fewer commands: it opens one ssh
        /// connection per command, and per-command cost is what is compared), and the same commands run locally.
        /// </summary>
        public static void Rows(ResultTable table, bool quick)
        {
            const string row = "ssh";
            int n = quick ? 200 : 1000, gnuN = quick ? 60 : 300;
            string? missing = Missing(out string config, out string[] hosts);
            if (missing != null)
            {
                table.Skipped(row, "engine over ssh / GNU parallel -S", missing);
                return;
            }
            var m = Measure(n, gnuN, config, hosts);
            double engineMs = m.Engine * 1000 / n, localMs = m.Local * 1000 / n;
            if (m.Gnu.HasValue)
            {
                double gnuMs = m.Gnu.Value * 1000 / gnuN;
                table.Add(row, $"GNU parallel -S {m.Entries}, {gnuN} × /bin/true (anchor)", $"{F(gnuMs)} ms/job", "1.00");
                table.Add(row, $"engine over the same {hosts.Length} hosts, {n} × /bin/true", $"{F(engineMs)} ms/job", $"{ResultTable.F(gnuMs / engineMs, 2)} × cheaper", "≥ 2 × cheaper");
                table.Target(row, "GNU parallel -S cost per job / engine's over ssh", gnuMs / engineMs, 2, atMost: false);
            }
            else
            {
                table.Add(row, $"engine over {hosts.Length} hosts, {n} × /bin/true", $"{F(engineMs)} ms/job");
                table.Skipped(row, "GNU parallel -S cost per job / engine's over ssh", "GNU parallel is not installed, or it failed (sudo apt-get install -y parallel)");
            }
            table.Add(row, $"same commands locally, {SlotsPerHost * hosts.Length} slots", $"{F(localMs)} ms/job", $"ssh costs {ResultTable.F(engineMs / localMs, 1)} × local");
            table.Add(row, "first command on fresh hosts (host checks, connection set-up)", $"{m.First * 1000:F0} ms");
        }

        private const int SlotsPerHost = 2;

        /// <summary>Why the row cannot run here (no test hosts); null when it can.</summary>
        private static string? Missing(out string config, out string[] hosts)
        {
            config = Environment.GetEnvironmentVariable("PJ_SSH_CONFIG") ?? "";
            hosts = (Environment.GetEnvironmentVariable("PJ_SSH_HOSTS") ?? "").Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            string? reason = Environment.GetEnvironmentVariable("PJ_BENCH_SSH_SKIP");
            if (!string.IsNullOrEmpty(reason)) return reason;
            if (config.Length == 0 || hosts.Length == 0)
                return "PJ_SSH_CONFIG and PJ_SSH_HOSTS are not set; start the hosts with `bash tests/infra/ssh-hosts.sh start` and `eval \"$(bash tests/infra/ssh-hosts.sh env)\"`";
            return null;
        }

        private static (double First, double Engine, double Local, double? Gnu, string Entries) Measure(int n, int gnuN, string config, string[] hosts)
        {
            var entries = hosts.Select(h => $"{SlotsPerHost}/{h}").ToArray();
            // First command on hosts with no shared connection yet: host checks, ControlMaster start, one command.
            double first = Remote(SchedulerBench.TrueJobs(1), entries, config);
            double engine = Remote(SchedulerBench.TrueJobs(n), entries, config);
            double local = SchedulerBench.RunEngine(SchedulerBench.TrueJobs(n), SlotsPerHost * hosts.Length);
            double? gnu = null;
            if (ExternalCommand.Which("parallel") != null)
            {
                var o = ExternalCommand.Shell($"seq {gnuN} | parallel --will-cite --ssh 'ssh -F {config}' -S {string.Join(",", entries)} /bin/true");
                if (o.Ok) gnu = o.Seconds;
                else Console.Error.WriteLine("GNU parallel failed: " + o.Stderr);
            }
            return (first, engine, local, gnu, string.Join(",", entries));
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
