using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace ParallelJobs.Bench
{
    /// <summary>Command-line options of the `all` command (what bench/run.sh passes through).</summary>
    internal sealed class BenchOptions
    {
        public bool Quick;
        public int Jobs = 2000;
        public int LargeSizeMb = 500;
        public int SmallSizeMb = 10;
        public HashSet<string> Rows = new HashSet<string> { "1", "2", "3", "4", "5", "6", "7", "8", "9", "ssh", "slurm" };
        public string RepoRoot = Directory.GetCurrentDirectory();
        public string? WorkDir;
        public string? ResultsPath;
        public bool KeepData;

        public const string Usage = @"usage: ParallelJobs.Bench all [--quick] [--jobs N] [--large-size-mb N] [--small-size-mb N]
                                [--rows 1,2,3,4,5,6,7,8,9,ssh,slurm] [--repo DIR] [--work DIR] [--results FILE] [--keep-data]
  --quick           fewer jobs (500), a 100 MB large size, one repeat: a smoke test, not the reference numbers
  --jobs N          commands for rows 1 and 6 (default 2000)
  --large-size-mb   size of the large .qual and FASTQ data sets (default 500)
  --small-size-mb   size of the small ones (default 10)
  --rows            which rows to run (default all); ssh and slurm need the test hosts and cluster
                    (PJ_SSH_CONFIG/PJ_SSH_HOSTS, SLURM_CONF: bench/run.sh starts them), else they are skipped
  --work DIR        where the generated data goes (default: a new temporary folder, removed at the end)
  --results FILE    also write the table (markdown, with the machine) to FILE";

        public static BenchOptions Parse(IReadOnlyList<string> args)
        {
            var o = new BenchOptions();
            // --quick sets defaults; explicit options win wherever they stand.
            if (args.Contains("--quick")) { o.Quick = true; o.Jobs = 500; o.LargeSizeMb = 100; }
            for (int i = 0; i < args.Count; i++)
            {
                string a = args[i];
                string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{a} needs a value");
                int NextInt() => int.Parse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture);
                switch (a)
                {
                    case "--quick": break;
                    case "--jobs": o.Jobs = NextInt(); break;
                    case "--large-size-mb": o.LargeSizeMb = NextInt(); break;
                    case "--small-size-mb": o.SmallSizeMb = NextInt(); break;
                    case "--rows": o.Rows = new HashSet<string>(Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                    case "--repo": o.RepoRoot = Path.GetFullPath(Next()); break;
                    case "--work": o.WorkDir = Path.GetFullPath(Next()); break;
                    case "--results": o.ResultsPath = Path.GetFullPath(Next()); break;
                    case "--keep-data": o.KeepData = true; break;
                    default: throw new ArgumentException($"unknown option {a}\n{Usage}");
                }
            }
            if (o.LargeSizeMb < 1 || o.SmallSizeMb < 1 || o.Jobs < 10) throw new ArgumentException("sizes must be ≥ 1 MB and --jobs ≥ 10");
            return o;
        }

        public int Repeats => Quick ? 1 : 3;
    }
}
