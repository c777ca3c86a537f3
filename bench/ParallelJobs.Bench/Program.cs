using System;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace ParallelJobs.Bench
{
    /// <summary>
    /// Entry point. `all` runs the rows of issue 5 and prints one table; the other commands are what `all`
    /// starts in child processes (so each measurement's peak memory is its own) or tools for people.
    /// </summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            try
            {
                string command = args.Length > 0 ? args[0] : "all";
                var rest = args.Skip(1).ToArray();
                switch (command)
                {
                    case "all": return BenchRun.Run(BenchOptions.Parse(rest));
                    case "quality": return QualityBench.ChildMain(rest);
                    case "quality-pair": return QualityPair.ChildMain(rest);
                    case "gen-qual": return DataSets.GenQualMain(rest);
                    case "gen-fastq": return DataSets.GenFastqMain(rest);
                    case "gen-sanger-qual": return DataSets.GenSangerQualMain(rest);
                    case "jobs":
                    {
                        // For profiling the scheduler alone (strace -c -f, perf): N × /bin/true in S slots, after a warm-up.
                        int n = rest.Length > 0 ? int.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture) : 2000;
                        int slots = rest.Length > 1 ? int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture) : 2;
                        SchedulerBench.RunEngine(SchedulerBench.TrueJobs(Math.Min(200, n)), slots);
                        var cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
                        double s = SchedulerBench.RunEngine(SchedulerBench.TrueJobs(n), slots);
                        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu0;
                        Console.WriteLine($"engine: {n} × /bin/true in {slots} slots: {ResultTable.F(s * 1000 / n, 3)} ms/job, "
                            + $"{ResultTable.F(cpu.TotalMilliseconds / n, 3)} ms of this process's CPU per job (children not counted)");
                        return 0;
                    }
                    case "profile-quality": return QualityProfile.Run(rest);
                    case "loop-quality": return QualityProfile.Loop(rest);
                    case "slurm": return SlurmBench.ChildMain(rest);
                    case "ssh": return SshBench.ChildMain(rest);
                    case "distribution-files": return DistributionFilesBench.ChildMain(rest);
                    case "seed-durations":
                        Console.WriteLine(string.Join(",", SchedulerBench.SeedDurations(args.Length > 1 ? int.Parse(args[1]) : 200)));
                        return 0;
                    case "-h": case "--help": case "help":
                        Console.WriteLine(BenchOptions.Usage);
                        Console.WriteLine("other commands: jobs [N] [SLOTS] | quality --path P --workers W [--repeats R] | quality-pair --path P [--repeats R] | gen-qual --out DIR --size-mb N | gen-fastq --out DIR --size-mb N [--gzip] | gen-sanger-qual --out DIR | profile-quality PATH [REPEATS] | loop-quality PATH [SECONDS] [WORKERS] [RUNS] | seed-durations [N] | slurm [N] [THROTTLE] [--engine-first] (needs SLURM_CONF) | ssh [N] [GNU_N] (needs PJ_SSH_CONFIG, PJ_SSH_HOSTS) | distribution-files [N] [LENGTH] [READS]");
                        return 0;
                    default:
                        Console.Error.WriteLine($"unknown command '{command}'\n{BenchOptions.Usage}");
                        return 2;
                }
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        }
    }
}
