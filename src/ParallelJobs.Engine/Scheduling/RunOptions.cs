using System;
using System.Collections.Generic;
using System.Linq;

namespace ParallelJobs.Scheduling
{
    /// <summary>How a <see cref="ParallelRun"/> runs its commands.</summary>
    internal sealed class RunOptions
    {
        /// <summary>Most commands running at once; also the number of slots.</summary>
        public int ThrottleLimit { get; set; } = System.Environment.ProcessorCount;
        /// <summary>Per-command time limit; null for none.</summary>
        public TimeSpan? Timeout { get; set; }
        /// <summary>Between the polite stop signal (SIGTERM) and the kill, on time-out and cancellation.</summary>
        public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(2);
        public string? WorkingDirectory { get; set; }
        /// <summary>Added to (or, with a null value, removed from) the inherited environment.</summary>
        public IDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);
        /// <summary>When set, each slot's bytes go to slot-k.out / slot-k.err here, and results keep bounded tails.</summary>
        public string? OutputDirectory { get; set; }
        /// <summary>Emit results in input order instead of as they finish.</summary>
        public bool KeepOrder { get; set; }
        /// <summary>Extra attempts for a command that fails or times out (GNU parallel's --retries minus one).</summary>
        public int Retries { get; set; }
        /// <summary>
        /// Wait before a retry, in the command's slot: this long before the first, doubled before each next one,
        /// at most five minutes (or this, if longer). Zero retries at once.
        /// </summary>
        public TimeSpan RetryDelay { get; set; }
        /// <summary>When not empty, only a command that exited with one of these codes is retried (not a time-out or a signal).</summary>
        public ISet<int> RetryOnExitCodes { get; } = new SortedSet<int>();
        /// <summary>Least time between two starts (GNU parallel's --delay); zero for none.</summary>
        public TimeSpan StartDelay { get; set; }
        /// <summary>
        /// Start no command while this machine has less free memory than this many bytes (GNU parallel's --memfree;
        /// MemAvailable of /proc/meminfo); null for no limit. Linux only.
        /// </summary>
        public long? MemoryFree { get; set; }
        /// <summary>Free memory in bytes now, or null when unknown; tests set their own.</summary>
        internal Func<long?> FreeMemoryProbe { get; set; } = ReadMemAvailable;

        private static readonly char[] Space = { ' ' };

        private static long? ReadMemAvailable()
        {
            try
            {
                foreach (var line in System.IO.File.ReadLines("/proc/meminfo"))
                {
                    if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
                    var parts = line.Split(Space, StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length >= 2 && long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long kb)) return kb * 1024;
                }
            }
            catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException) { }
            return null;
        }

        /// <summary>When the run stops early (GNU parallel's --halt); null: never, every command runs.</summary>
        public HaltPolicy? Halt { get; set; }
        /// <summary>Lines per stream kept in a result when an output directory holds the full bytes.</summary>
        public int TailLines { get; set; } = 1000;
        /// <summary>Longest line kept in memory when an output directory holds the full bytes; longer lines are cut.</summary>
        public int MaxLineLength { get; set; } = 64 * 1024;
        /// <summary>Appends a GNU-parallel-format job log line here for every finished command.</summary>
        public string? JobLogPath { get; set; }
        /// <summary>With a job log: skip the commands it already records (or only those that succeeded).</summary>
        public ResumeMode Resume { get; set; }
        /// <summary>
        /// Run the commands as Slurm array tasks (docs/slurm.md) instead of on this machine. The run directory is
        /// made under OutputDirectory, or under WorkingDirectory/parallel-jobs-runs; it must be on a filesystem
        /// the nodes share.
        /// </summary>
        public bool Slurm { get; set; }
        /// <summary>
        /// With <see cref="Slurm"/>: the id of the allocation the run is inside (an salloc shell, a batch script).
        /// Then each command runs as a job step of it (srun --exclusive -N1 -n1), not as an array task; null: read
        /// from SLURM_JOB_ID, so a run started inside an allocation uses it.
        /// </summary>
        public string? SlurmAllocation { get; set; }

        /// <summary>The allocation a Slurm run uses for job steps, or null for job arrays (and for runs without Slurm).</summary>
        internal string? EffectiveSlurmAllocation
        {
            get
            {
                if (!Slurm) return null;
                string? id = SlurmAllocation ?? System.Environment.GetEnvironmentVariable("SLURM_JOB_ID");
                return string.IsNullOrWhiteSpace(id) ? null : id!.Trim();
            }
        }

        /// <summary>Passed to sbatch as given (with <see cref="Slurm"/>), or to srun inside an allocation.</summary>
        public IList<string> SlurmOptions { get; } = new List<string>();
        /// <summary>Settings of the Slurm run that users do not set (poll intervals, budget); tests shorten them.</summary>
        internal Action<Slurm.SlurmRunOptions>? ConfigureSlurm { get; set; }

        /// <summary>
        /// After a command's own process has exited, how long its output pipes may stay open (held by a
        /// background process it started) before the result is made without waiting for them.
        /// </summary>
        internal TimeSpan OutputDrainPeriod { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>
        /// Hosts to spread the commands over (SSH, or ':' for this machine); null runs everything here, as before.
        /// Each host has the slots its entry names, else <see cref="ThrottleLimit"/>; auto/ asks the host.
        /// </summary>
        public IReadOnlyList<Remote.SshHost>? Hosts { get; set; }

        /// <summary>
        /// True when <see cref="Hosts"/> names a remote host: slot numbers are then per host, so the slot files
        /// under <see cref="OutputDirectory"/> carry the host in their names (slot-&lt;host&gt;-&lt;k&gt;.out).
        /// </summary>
        public bool SlotFilesNamedByHost => Hosts != null && Hosts.Any(h => !h.IsLocal);
        /// <summary>How ssh is called for <see cref="Hosts"/> (config file, -o options); defaults when null.</summary>
        public Remote.SshSettings? Ssh { get; set; }
        /// <summary>The working directory on SSH hosts, used there as given; null for the login directory.</summary>
        public string? RemoteWorkingDirectory { get; set; }
        /// <summary>How long the start-up check of a host (and each later re-check) may take.</summary>
        public TimeSpan HostCheckTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>
        /// How long Dispose waits, after the grace period, for a polite stop to end the commands before it kills
        /// what is left; then as long again for their results.
        /// </summary>
        internal TimeSpan StopMargin { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>How commands are started; the local machine's launcher unless a test or another transport sets one.</summary>
        internal Processes.IProcessLauncher Launcher
        {
            get => _launcher ?? Processes.LocalLauncher.Default;
            set => _launcher = value;
        }

        private Processes.IProcessLauncher? _launcher;

        /// <summary>Checks every option; throws before anything of a run is made or started.</summary>
        /// <exception cref="ArgumentException">An option is out of range or malformed; ParamName says which.</exception>
        public void Validate()
        {
            if (ThrottleLimit < 1) throw new ArgumentOutOfRangeException(nameof(ThrottleLimit), ThrottleLimit, "ThrottleLimit must be at least 1.");
            if (Timeout.HasValue && Timeout.Value <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "Timeout must be positive.");
            if (GracePeriod < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(GracePeriod), GracePeriod, "GracePeriod cannot be negative.");
            if (Retries < 0) throw new ArgumentOutOfRangeException(nameof(Retries), Retries, "Retries cannot be negative.");
            if (StartDelay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(StartDelay), StartDelay, "StartDelay cannot be negative.");
            if (MemoryFree.HasValue)
            {
                if (MemoryFree.Value <= 0) throw new ArgumentOutOfRangeException(nameof(MemoryFree), MemoryFree, "MemoryFree must be positive.");
                if (!System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux))
                    throw new ArgumentException("A free-memory limit is read from /proc/meminfo (MemAvailable), so it works on Linux only.", nameof(MemoryFree));
                if (Hosts != null || Slurm) throw new ArgumentException("A free-memory limit is about this machine: it is not used with SSH hosts or Slurm.", nameof(MemoryFree));
            }
            if (RetryDelay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RetryDelay), RetryDelay, "RetryDelay cannot be negative.");
            if ((RetryDelay > TimeSpan.Zero || RetryOnExitCodes.Count > 0) && Retries == 0)
                throw new ArgumentException("A retry delay or retry exit codes need retries (Retries of at least 1).", RetryDelay > TimeSpan.Zero ? nameof(RetryDelay) : nameof(RetryOnExitCodes));
            if (Resume != ResumeMode.None && string.IsNullOrEmpty(JobLogPath)) throw new ArgumentException("Resuming needs a job log (JobLogPath).", nameof(Resume));
            if (TailLines < 0) throw new ArgumentOutOfRangeException(nameof(TailLines), TailLines, "TailLines cannot be negative.");
            foreach (var kv in Environment) ValidateVariable(kv.Key, kv.Value);
            if (Hosts != null)
            {
                if (Slurm) throw new ArgumentException("A run goes to SSH hosts or to Slurm, not both.", nameof(Hosts));
                if (Hosts.Count == 0) throw new ArgumentException("The host list is empty.", nameof(Hosts));
                if (HostCheckTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(HostCheckTimeout), HostCheckTimeout, "HostCheckTimeout must be positive.");
                try { Ssh?.Validate(); }
                catch (ArgumentException e) when (e.ParamName == null) { throw new ArgumentException(e.Message, "SshOption", e); }
            }
            if (Slurm) ValidateSlurm();
        }

        private void ValidateSlurm()
        {
            if (System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows))
                throw new ArgumentException("Slurm runs are submitted from a Unix machine (the commands run through /bin/sh on the nodes).", nameof(Slurm));
            // Job steps are local srun processes, stopped like any command; array tasks are out of reach.
            if (Timeout.HasValue && EffectiveSlurmAllocation == null)
                throw new ArgumentException("A time-out is not used with Slurm job arrays: give Slurm's time limit as a Slurm option (--time=MM:SS), which Slurm enforces per task in whole minutes.", nameof(Timeout));
            if (EffectiveSlurmAllocation == null && StartDelay > TimeSpan.Zero)
                throw new ArgumentException("A delay between starts is not used with Slurm job arrays (Slurm starts the tasks).", nameof(StartDelay));
            if (EffectiveSlurmAllocation == null && Halt != null)
                throw new ArgumentException("A halt policy is not used with Slurm job arrays (use -ErrorAction Stop, which cancels the run).", nameof(Halt));
            if (EffectiveSlurmAllocation == null && (RetryDelay > TimeSpan.Zero || RetryOnExitCodes.Count > 0))
                throw new ArgumentException("A retry delay or retry exit codes are not used with Slurm job arrays, which resubmit a failed command as it is.", RetryDelay > TimeSpan.Zero ? nameof(RetryDelay) : nameof(RetryOnExitCodes));
            // The same checks the Slurm run makes, so a bad option is reported as the option's own error.
            var slurm = new Slurm.SlurmRunOptions { ThrottleLimit = ThrottleLimit, RunDirectory = "-", Retries = Retries };
            foreach (var o in SlurmOptions) slurm.SlurmOptions.Add(o);
            slurm.Validate();
        }

        /// <summary>
        /// A name that cannot be a variable would be dropped, or split at its '=' by the child
        /// (<c>A=B</c> set to <c>x</c> arrives as <c>A</c> = <c>B=x</c>), or cut at a NUL.
        /// </summary>
        private static void ValidateVariable(string? name, string? value)
        {
            string? problem =
                string.IsNullOrEmpty(name) ? "An environment variable name cannot be empty." :
                name!.IndexOf('=') >= 0 ? $"Environment variable name {Quote(name)} contains '=', which separates a name from its value." :
                name.IndexOf('\0') >= 0 ? $"Environment variable name {Quote(name)} contains a NUL character." :
                value != null && value.IndexOf('\0') >= 0 ? $"The value of environment variable {Quote(name)} contains a NUL character, which would cut it short." :
                null;
#pragma warning disable CA2208 // the name is the option the user set (-Environment), not a parameter of this method
            if (problem != null) throw new ArgumentException(problem, nameof(Environment));
#pragma warning restore CA2208
        }

        private static string Quote(string name) => "'" + MessageText.Shorten(name.Replace("\0", "\\0")) + "'";
    }
}
