using System;
using System.Collections.Generic;
using System.Linq;

namespace ParallelJobs.Slurm
{
    /// <summary>How a <see cref="SlurmRun"/> submits, throttles and watches its array tasks.</summary>
    internal sealed class SlurmRunOptions
    {
        /// <summary>Most array tasks running at once, across the whole run (sbatch --array=...%N, arrays chained).</summary>
        public int ThrottleLimit { get; set; } = 1;
        /// <summary>Passed to sbatch as given, after the module's own options (so --job-name, --output may be overridden).</summary>
        public IList<string> SlurmOptions { get; set; } = new List<string>();
        /// <summary>The run directory; it must be on a filesystem the nodes share with this machine.</summary>
        public string RunDirectory { get; set; } = "";
        /// <summary>The commands' working directory (sbatch --chdir); null: sbatch's default, this process's current directory.</summary>
        public string? WorkingDirectory { get; set; }
        /// <summary>Environment of the Slurm client commands (e.g. SLURM_CONF); a null value removes a variable.</summary>
        public IDictionary<string, string?> ClientEnvironment { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);
        /// <summary>Job name of every array of the run (squeue is asked by name); null: a fresh "pj-" name.</summary>
        public string? JobName { get; set; }

        /// <summary>
        /// A task takes no new command once it has worked this long, so short commands share a task and long ones
        /// get their own. Ignored (one command per task) when the Slurm options set a time limit, which then bounds
        /// each command as a time-out would.
        /// </summary>
        public TimeSpan TaskBudget { get; set; } = TimeSpan.FromSeconds(30);
        /// <summary>How long an idle task waits for more input while the input is not complete.</summary>
        public TimeSpan Linger { get; set; } = TimeSpan.FromSeconds(10);
        /// <summary>Input is gathered this long before the first submission (unless the input is complete sooner).</summary>
        public TimeSpan BatchDelay { get; set; } = TimeSpan.FromSeconds(1);
        /// <summary>At least this long between two submissions (sites ask for a few per minute at most).</summary>
        public TimeSpan MinSubmitInterval { get; set; } = TimeSpan.FromSeconds(15);
        /// <summary>Most tasks in one array (Slurm's MaxArraySize is 1001 by default).</summary>
        public int MaxArrayTasks { get; set; } = 1000;
        /// <summary>How often the run directory is read for new start and result records (no Slurm call).</summary>
        public TimeSpan FilePollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
        /// <summary>How often squeue is asked which tasks still exist (one call for the whole run).</summary>
        public TimeSpan SlurmPollInterval { get; set; } = TimeSpan.FromSeconds(10);
        /// <summary>
        /// After Slurm no longer lists a task, how long its records may take to appear here before Slurm's own
        /// account of the task decides (shared filesystems such as NFS show new files late).
        /// </summary>
        public TimeSpan RecordGrace { get; set; } = TimeSpan.FromSeconds(10);
        /// <summary>How long a stop waits for Slurm to end the cancelled tasks.</summary>
        public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(60);
        /// <summary>Stopping one command (Stop-Job on it): how long its task waits after SIGTERM before SIGKILL.</summary>
        public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(10);
        /// <summary>Extra attempts for a command that fails or times out, each a new item that the next free task takes (a running task of an earlier array, or the array submitted for it).</summary>
        public int Retries { get; set; }
        /// <summary>Keep only the last TailLines lines of each stream in results (the files keep every byte).</summary>
        public bool BoundedOutput { get; set; }
        public int TailLines { get; set; } = 1000;
        public int MaxLineLength { get; set; } = 64 * 1024;

        /// <summary>True when the Slurm options give a time limit (-t, --time).</summary>
        public bool HasTimeLimit => SlurmOptions.Any(o => o == "-t" || o.StartsWith("-t", StringComparison.Ordinal) && !o.StartsWith("--", StringComparison.Ordinal)
                                                          || o == "--time" || o.StartsWith("--time=", StringComparison.Ordinal));

        /// <summary>The work budget the task script gets, in whole seconds (0: one command per task).</summary>
        public int EffectiveBudgetSeconds => HasTimeLimit ? 0 : (int)Math.Ceiling(TaskBudget.TotalSeconds);
        public int EffectiveLingerSeconds => HasTimeLimit ? 0 : (int)Math.Ceiling(Linger.TotalSeconds);

        /// <exception cref="ArgumentException">An option is out of range, or a Slurm option would break the run.</exception>
        internal void Validate()
        {
            if (ThrottleLimit < 1) throw new ArgumentOutOfRangeException(nameof(ThrottleLimit), ThrottleLimit, "ThrottleLimit must be at least 1.");
            if (string.IsNullOrWhiteSpace(RunDirectory)) throw new ArgumentException("A Slurm run needs a run directory on a shared filesystem.", nameof(RunDirectory));
            if (MaxArrayTasks < 1) throw new ArgumentOutOfRangeException(nameof(MaxArrayTasks), MaxArrayTasks, "MaxArrayTasks must be at least 1.");
            if (Retries < 0) throw new ArgumentOutOfRangeException(nameof(Retries), Retries, "Retries cannot be negative.");
            if (TaskBudget < TimeSpan.Zero || Linger < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(TaskBudget), "TaskBudget and Linger cannot be negative.");
            if (FilePollInterval <= TimeSpan.Zero || SlurmPollInterval <= TimeSpan.Zero)
                throw new ArgumentOutOfRangeException(nameof(SlurmPollInterval), "Poll intervals must be positive.");
            foreach (var option in SlurmOptions)
            {
                if (option == null) throw new ArgumentException("A Slurm option is null.", nameof(SlurmOptions));
                if (option.IndexOf('\0') >= 0) throw new ArgumentException($"Slurm option '{MessageText.Shorten(option.Replace("\0", "\\0"))}' contains a NUL character.", nameof(SlurmOptions));
                string name = option.Split('=')[0];
                // The module owns these: it makes the arrays, and it must get sbatch's answer at once.
                if (name == "--array" || name == "-a" || option.StartsWith("-a", StringComparison.Ordinal) && !option.StartsWith("--", StringComparison.Ordinal) && option.Length > 2 && char.IsDigit(option[2]))
                    throw new ArgumentException($"Slurm option '{option}': the module submits the commands as job arrays itself; use -ThrottleLimit for the %N part.", nameof(SlurmOptions));
                if (name == "--wrap" || name == "--wait" || name == "-W" || name == "--parsable")
                    throw new ArgumentException($"Slurm option '{option}' cannot be used: the module writes the batch script and watches the tasks itself.", nameof(SlurmOptions));
            }
        }
    }
}
