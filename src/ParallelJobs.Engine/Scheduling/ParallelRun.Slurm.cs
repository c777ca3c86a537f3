using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using ParallelJobs.Output;
using ParallelJobs.Processes;
using ParallelJobs.Slurm;

namespace ParallelJobs.Scheduling
{
    /// <summary>
    /// A run whose commands go to Slurm (<see cref="RunOptions.Slurm"/>): the commands are handed to a
    /// <see cref="SlurmRun"/>, and its results come back through this run's own delivery, so keep-order, the
    /// job log, resume, progress and jobs work as for local commands.
    /// </summary>
    internal sealed partial class ParallelRun
    {
        private SlurmRun? _slurm;
        private readonly object _slurmAddGate = new object();
        // SlurmRun numbers only what it was given (skipped commands never reach it): its index → this run's.
        private readonly List<int> _slurmToRun = new List<int>();
        private readonly Dictionary<int, ParallelSlot> _slurmRunning = new Dictionary<int, ParallelSlot>();

        /// <summary>The Slurm run directory (null for local runs).</summary>
        public string? SlurmRunDirectory => _slurm?.Directory.Path;

        /// <summary>Slurm client commands run so far (0 for local runs).</summary>
        public int SlurmCalls => _slurm?.SlurmCalls ?? 0;

        private string? _stepDirectory;

        /// <summary>Where a Slurm run keeps its files: under the output directory, else WorkingDirectory/parallel-jobs-runs.</summary>
        private static string SlurmParent(RunOptions options) =>
            options.OutputDirectory ?? Path.Combine(options.WorkingDirectory ?? Directory.GetCurrentDirectory(), "parallel-jobs-runs");

        /// <summary>
        /// Inside an allocation: every slot starts its commands as job steps (srun), which are local processes, so
        /// the rest of the run (time-outs, stops, output files, keep-order) is a local run's. The steps' placement
        /// files go to a directory of the run on the shared filesystem, removed when the run ends.
        /// </summary>
        private CommandTarget[] AllocationSteps(RunOptions options, string allocation)
        {
            _stepDirectory = Path.Combine(SlurmParent(options), "pj-steps-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(_stepDirectory);
            var target = new CommandTarget(new SrunLauncher(options.Launcher, allocation, options.SlurmOptions.ToList(), _stepDirectory),
                false, "Slurm allocation " + allocation, ":");
            return Enumerable.Repeat(target, options.ThrottleLimit).ToArray();
        }

        private void RemoveStepDirectory()
        {
            if (_stepDirectory == null) return;
            try { Directory.Delete(_stepDirectory, true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        private void StartSlurm()
        {
            string jobName = "pj-" + Guid.NewGuid().ToString("N").Substring(0, 12);
            string parent = SlurmParent(_options);
            var options = new SlurmRunOptions
            {
                ThrottleLimit = _options.ThrottleLimit,
                RunDirectory = Path.Combine(parent, jobName),
                WorkingDirectory = _options.WorkingDirectory,
                JobName = jobName,
                Retries = _options.Retries,
                GracePeriod = _options.GracePeriod,
                TailLines = _options.TailLines,
                MaxLineLength = _options.MaxLineLength,
                // The files in the run directory keep every byte, as slot files do for local runs.
                BoundedOutput = true,
            };
            foreach (var o in _options.SlurmOptions) options.SlurmOptions.Add(o);
            // sbatch passes its own environment on to the tasks (--export=ALL, Slurm's default).
            foreach (var kv in _options.Environment) options.ClientEnvironment[kv.Key] = kv.Value;
            _options.ConfigureSlurm?.Invoke(options);
            _slurm = new SlurmRun(options);
            new Thread(PumpSlurm) { IsBackground = true, Name = "ParallelJobs Slurm results" }.Start();
        }

        private void AddToSlurm(int index, CommandSpec spec)
        {
            string line;
            try
            {
                line = PosixCommandLine(spec.Resolve(index, 0));
                lock (_slurmAddGate)
                {
                    _slurm!.Add(line, spec.Input);
                    lock (_gate) _slurmToRun.Add(index);
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is InvalidOperationException)
            {
                Deliver(Unrun(index, spec.DisplayText, spec.Input, CommandStatus.FailedToStart,
                    $"Could not hand the command to Slurm: {e.Message}"));
            }
        }

        /// <summary>The command as one line for /bin/sh on a node: a shell command as it is, a program with each word quoted.</summary>
        private static string PosixCommandLine(LaunchInfo launch)
        {
            if (launch.FileName == "/bin/sh" && launch.Arguments.Count == 2 && launch.Arguments[0] == "-c") return launch.Arguments[1];
            return "exec " + string.Join(" ", new[] { launch.FileName }.Concat(launch.Arguments).Select(PosixShellQuoter.Quote));
        }

        private void PumpSlurm()
        {
            var slurm = _slurm!;
            while (true)
            {
                if (!slurm.TryTake(out var e, 1000)) continue;
                int index;
                switch (e!.Kind)
                {
                    case SlurmRunEventKind.CommandStarted:
                        var start = e.Start!;
                        int slot = start.ClusterJobId != null && int.TryParse(start.ClusterJobId.Substring(start.ClusterJobId.LastIndexOf('_') + 1), out int n) ? n : -1;
                        string command;
                        lock (_gate)
                        {
                            index = _slurmToRun[e.Index];
                            command = _specs[index]?.DisplayText ?? "";
                            _slurmRunning[index] = new ParallelSlot
                            {
                                Slot = slot,
                                State = SlotActivity.Busy,
                                Index = index,
                                Command = command,
                                ProcessId = start.ProcessId,
                                ComputerName = start.Node ?? start.Host ?? "",
                                Since = start.StartTime ?? DateTime.Now,
                            };
                        }
                        Post(new RunEvent(RunEventKind.CommandStarted, index, slot, start.ProcessId, command, null));
                        break;
                    case SlurmRunEventKind.CommandFinished:
                        var r = e.Result!;
                        var result = r.Result;
                        lock (_gate)
                        {
                            index = _slurmToRun[e.Index];
                            _slurmRunning.Remove(index);
                            _specs[index] = null;
                        }
                        result.Index = index;
                        result.ClusterJobId = r.ClusterJobId;
                        result.Signal = r.Signal;
                        // Output reaches a job's live view when the command has ended: the node writes it to files.
                        var observer = LineReceived;
                        if (observer != null) foreach (var l in result.Lines) observer(new SlotOutputLine(l.Slot, index, l.Stream, l.Line, l.Timestamp, l.ComputerName));
                        CopyToSlotFiles(result);
                        _jobLog?.Record(result);
                        Deliver(result);
                        break;
                    case SlurmRunEventKind.RunCompleted:
                        return;
                }
            }
        }

        /// <summary>
        /// With -OutputDirectory, a finished command's bytes (its out/ITEM files in the run directory, which the node
        /// wrote) are appended to the slot files of its node and array task, slot-&lt;node&gt;-&lt;task&gt;.out and .err,
        /// and commands.tsv gets its row, so the directory reads back (Receive-SlotOutput -Path) as a local run's does.
        /// A command copied whole when it has ended never interleaves with another. Commands that never ran in a task
        /// have no row, as for local runs. The result's OutputPath and ErrorPath stay the command's own files.
        /// </summary>
        private void CopyToSlotFiles(CommandResult result)
        {
            if (_slotFiles == null || result.Slot < 0 || result.OutputPath == null) return;
            var files = _slotFiles.ForSlot(new SlotKey(result.ComputerName, result.Slot));
            long outOffset = files.OutPosition, errOffset = files.ErrPosition;
            files.BeginCommand();
            var buffer = new byte[64 * 1024];
            foreach (var (path, kind) in new[] { (result.OutputPath, StreamKind.Output), (result.ErrorPath, StreamKind.Error) })
            {
                if (path == null) continue;
                try
                {
                    using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    int n;
                    while ((n = stream.Read(buffer, 0, buffer.Length)) > 0) files.Write(kind, buffer, n);
                }
                catch (FileNotFoundException) { }
                catch (DirectoryNotFoundException) { }
                catch (IOException e) { result.OutputWriteError ??= $"Could not read '{path}' to copy it to the slot files: {e.Message}"; }
                catch (UnauthorizedAccessException e) { result.OutputWriteError ??= $"Could not read '{path}' to copy it to the slot files: {e.Message}"; }
            }
            string? writeError = files.EndCommand();
            if (writeError != null) result.OutputWriteError = writeError;
            _slotFiles.Record(result, files, outOffset, errOffset);
        }

        /// <summary>Stops a Slurm run: scancel for every array (at once and synchronously when the process is ending).</summary>
        private void CancelSlurm(TimeSpan grace)
        {
            lock (_gate) _cancelled = true;
            if (grace == TimeSpan.Zero) _slurm!.CancelNow();
            _slurm!.Cancel();
        }

        /// <summary>Stop-Job on one command of an array run: SlurmRun keeps it from starting, or has its task stop it.</summary>
        private bool CancelSlurmCommand(int index)
        {
            int slurmIndex;
            lock (_gate) slurmIndex = _slurmToRun.IndexOf(index);
            return slurmIndex >= 0 && _slurm!.CancelCommand(slurmIndex);
        }

        private ParallelSlot[] GetSlurmSlots()
        {
            lock (_gate) return _slurmRunning.Values.OrderBy(s => s.Slot).Select(s => s.Clone()).ToArray();
        }

        private ParallelSlot? GetSlurmSlot(int slot)
        {
            lock (_gate) return _slurmRunning.Values.FirstOrDefault(s => s.Slot == slot)?.Clone();
        }

        private int SlurmRunningCount
        {
            get { lock (_gate) return _slurmRunning.Count; }
        }
    }
}
