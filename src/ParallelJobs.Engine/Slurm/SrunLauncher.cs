using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ParallelJobs.Processes;

namespace ParallelJobs.Slurm
{
    /// <summary>
    /// Inside a Slurm allocation (an salloc shell, a batch script), runs each command as a job step of that
    /// allocation: <c>srun --jobid=ID --exclusive -N1 -n1</c>, so the run uses the nodes already granted instead of
    /// submitting new jobs. srun stays a local process of the run: its exit is the command's, stopping it (the
    /// run's SIGTERM, then SIGKILL) makes Slurm stop the step, and its stdout and stderr are the command's.
    ///
    /// Where the command ran is known only on the node: a small /bin/sh prelude writes the node's name, the
    /// step's shell pid (which then becomes the command by exec) and the step id to a file in
    /// <see cref="PlacementDirectory"/> before it runs the command, and the result reads it once srun ends.
    /// </summary>
    internal sealed class SrunLauncher : IProcessLauncher
    {
        // "$0" is the placement file, "$@" the program and its arguments: no value is ever spliced into the script.
        private const string Prelude =
            "printf '%s %s %s.%s\\n' \"${SLURMD_NODENAME:-$(hostname)}\" \"$$\" \"$SLURM_JOB_ID\" \"$SLURM_STEP_ID\" > \"$0\" && exec \"$@\"";

        private readonly IProcessLauncher _local;
        private readonly string _allocation;
        private readonly IReadOnlyList<string> _slurmOptions;
        private int _steps;

        public SrunLauncher(IProcessLauncher local, string allocation, IReadOnlyList<string> slurmOptions, string placementDirectory)
        {
            _local = local ?? throw new ArgumentNullException(nameof(local));
            _allocation = allocation;
            _slurmOptions = slurmOptions;
            PlacementDirectory = placementDirectory;
        }

        /// <summary>Where the steps' placement files go (a private directory of the run, removed with it).</summary>
        public string PlacementDirectory { get; }

        /// <summary>The srun argv for one command (program and arguments as given, passed through exactly).</summary>
        internal IReadOnlyList<string> Arguments(string placementFile, string program, IEnumerable<string> arguments)
        {
            var argv = new List<string> { "--jobid=" + _allocation, "--exclusive", "--nodes=1", "--ntasks=1", "--quiet", "--kill-on-bad-exit=1" };
            argv.AddRange(_slurmOptions);
            argv.Add("/bin/sh");
            argv.Add("-c");
            argv.Add(Prelude);
            argv.Add(placementFile);
            argv.Add(program);
            argv.AddRange(arguments);
            return argv;
        }

        public ILaunchedProcess Start(ProcessStartRequest request)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            int step = Interlocked.Increment(ref _steps);
            string placement = Path.Combine(PlacementDirectory, "step-" + step.ToString(CultureInfo.InvariantCulture));
            var srun = new ProcessStartRequest("srun", Arguments(placement, request.FileName, request.Arguments))
            {
                WorkingDirectory = request.WorkingDirectory,
            };
            foreach (var kv in request.Environment) srun.Environment.Add(kv);
            ILaunchedProcess process;
            try
            {
                process = _local.Start(srun);
            }
            catch (ProcessStartException e)
            {
                throw new ProcessStartException($"Cannot start a job step of Slurm allocation {_allocation} (srun): {e.Message}", e);
            }
            return new StepProcess(process, placement);
        }

        /// <summary>srun, seen as the command it runs on a node: once it has ended, its node, pid and step id.</summary>
        private sealed class StepProcess : ILaunchedProcess, IPlacedProcess
        {
            private readonly ILaunchedProcess _srun;
            private readonly string _placementFile;
            private int _remoteId;

            public StepProcess(ILaunchedProcess srun, string placementFile)
            {
                _srun = srun;
                _placementFile = placementFile;
                Exited = srun.Exited.ContinueWith(t => { ReadPlacement(); return t.Result; }, CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            public int Id => _remoteId != 0 ? _remoteId : _srun.Id;
            public string? ComputerName { get; private set; }
            public string? ClusterJobId { get; private set; }
            public Stream StandardOutput => _srun.StandardOutput;
            public Stream StandardError => _srun.StandardError;
            public Task<ProcessExit> Exited { get; }
            public void Stop(TimeSpan grace) => _srun.Stop(grace);
            public bool AbandonOutput() => _srun.AbandonOutput();
            public IReadOnlyList<int> OutputHolders() => _srun.OutputHolders();

            public void Dispose()
            {
                _srun.Dispose();
                try { File.Delete(_placementFile); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }

            /// <summary>"node pid job.step"; absent when the step never started (srun refused, or was stopped first).</summary>
            private void ReadPlacement()
            {
                string[] fields;
                try { fields = File.ReadAllText(_placementFile).Trim().Split(' '); }
                catch (IOException) { return; }
                catch (UnauthorizedAccessException) { return; }
                if (fields.Length != 3) return;
                ComputerName = fields[0];
                if (int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid)) _remoteId = pid;
                ClusterJobId = fields[2];
            }
        }
    }
}
