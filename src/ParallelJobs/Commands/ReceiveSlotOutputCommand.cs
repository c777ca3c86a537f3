using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using ParallelJobs.Output;

namespace ParallelJobs.Commands
{
    /// <summary>
    /// Receive-SlotOutput: what each slot printed, in the order its commands ran (the per-slot
    /// output files, as objects). From a running or finished ParallelJob (live, like Receive-Job: lines
    /// since the last call, -Keep, -Wait), from a directory written with -OutputDirectory, or from
    /// CommandResult objects in the pipeline.
    /// </summary>
    [Cmdlet(VerbsCommunications.Receive, "SlotOutput", DefaultParameterSetName = JobSet)]
    [OutputType(typeof(SlotOutputLine))]
    [OutputType(typeof(string))]
    public sealed class ReceiveSlotOutputCommand : PSCmdlet, IDisposable
    {
        private const string JobSet = "Job";
        private const string PathSet = "Path";
        private const string ResultSet = "Result";

        private readonly List<CommandResult> _results = new List<CommandResult>();
        private readonly ManualResetEventSlim _stopping = new ManualResetEventSlim(false);

        /// <summary>A job made by Start-ParallelCommand -AsJob. Other jobs are reported as errors.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = JobSet)]
        [ValidateNotNull]
        public Job Job { get; set; } = null!;

        /// <summary>A directory written by Start-ParallelCommand -OutputDirectory (slot files and commands.tsv).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        [Alias("PSPath", "FullName")]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = Array.Empty<string>();

        /// <summary>Results of Start-ParallelCommand; their Lines are used.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ResultSet)]
        [ValidateNotNull]
        public CommandResult[] Result { get; set; } = Array.Empty<CommandResult>();

        /// <summary>
        /// Only these slots (0-based within each machine, as in CommandResult.Slot and the slot file names). From a
        /// run over several hosts, without -ComputerName, slot k of every host that has it.
        /// </summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int[]? Slot { get; set; }

        /// <summary>Only the slots of these machines (CommandResult.ComputerName: a host of -HostName, or this machine's name); wildcards allowed.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? ComputerName { get; set; }

        /// <summary>Only stdout (Output) or only stderr (Error) lines.</summary>
        [Parameter]
        public StreamKind? Stream { get; set; }

        /// <summary>Emit the text of each line instead of SlotOutputLine objects.</summary>
        [Parameter]
        public SwitchParameter Raw { get; set; }

        /// <summary>Leave the lines in the job, so the next call returns them again (like Receive-Job -Keep).</summary>
        [Parameter(ParameterSetName = JobSet)]
        public SwitchParameter Keep { get; set; }

        /// <summary>Stream lines as they come until the job has finished.</summary>
        [Parameter(ParameterSetName = JobSet)]
        public SwitchParameter Wait { get; set; }

        protected override void ProcessRecord()
        {
            switch (ParameterSetName)
            {
                case JobSet:
                    if (Job is ParallelJob job) FromJob(job);
                    else WriteError(JobErrors.NotAParallelJob(Job));
                    break;
                case PathSet:
                    foreach (var p in Path) FromPath(p);
                    break;
                case ResultSet:
                    _results.AddRange(Result.Where(r => r != null));
                    break;
            }
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == ResultSet) FromResults();
        }

        protected override void StopProcessing() => _stopping.Set();

        /// <summary>PowerShell disposes a cmdlet that implements IDisposable when the pipeline ends.</summary>
        public void Dispose() => _stopping.Dispose();

        private void FromJob(ParallelJob job)
        {
            // Without -Slot: the slots that have printed anything so far (asked again on each pass of -Wait, as
            // slots are made when first needed), never a loop over the whole throttle limit.
            var layout = job.SlotHosts;
            var hosts = HostFilter.Match(layout.Select(h => (string?)h.Key), ComputerName,
                n => WriteError(JobErrors.ComputerNameNotFound(n, "the run (its machines: " + HostFilter.List(layout.Select(h => h.Key)) + ")", job)));
            int CountOn(string? host) => layout.FirstOrDefault(h => string.Equals(h.Key, host, StringComparison.OrdinalIgnoreCase)).Value;
            var chosen = Slot == null ? null : Choose(hosts, k => k.Slot < CountOn(k.ComputerName),
                h => h == null ? SlotSelection.RunOf(layout) : $"{h} in the run: it has slots 0 to {CountOn(h) - 1}", job);
            var buffer = job.SlotOutput;
            IEnumerable<SlotKey> WithOutput() => buffer.SlotsWithOutput().Where(k => ComputerName == null || HostFilter.Contains(hosts, k.ComputerName));
            if (!Wait.IsPresent)
            {
                foreach (var k in (IEnumerable<SlotKey>?)chosen ?? WithOutput()) Emit(buffer.Read(k, Keep.IsPresent), job);
                return;
            }
            // -Wait: stream until the job has finished. With -Keep, cursors skip what was already written.
            var cursors = new Dictionary<SlotKey, long>();
            var handles = new[] { buffer.LinesArrived, job.Finished, _stopping.WaitHandle };
            while (true)
            {
                buffer.ResetArrivalSignal();
                // Read the state before the lines: a job that has finished has no line still to come.
                bool finished = IsFinished(job.JobStateInfo.State);
                foreach (var k in (IEnumerable<SlotKey>?)chosen ?? WithOutput())
                {
                    cursors.TryGetValue(k, out long after);
                    var read = buffer.Read(k, Keep.IsPresent, after);
                    cursors[k] = read.LastSequence;
                    Emit(read, job);
                }
                if (finished || _stopping.IsSet) return;
                WaitHandle.WaitAny(handles, 500);
            }
        }

        private void FromPath(string path)
        {
            string directory;
            try
            {
                directory = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
            }
            catch (Exception e) when (e is ItemNotFoundException || e is System.Management.Automation.DriveNotFoundException || e is ProviderNotFoundException || e is NotSupportedException)
            {
                WriteError(new ErrorRecord(e, "SlotDirectoryNotFound", ErrorCategory.ObjectNotFound, path));
                return;
            }
            SlotOutputDirectoryReader reader;
            try
            {
                reader = new SlotOutputDirectoryReader(directory);
            }
            catch (DirectoryNotFoundException e)
            {
                WriteError(new ErrorRecord(e, "SlotDirectoryNotFound", ErrorCategory.ObjectNotFound, path));
                return;
            }
            catch (FileNotFoundException e)
            {
                WriteError(new ErrorRecord(e, "SlotFilesNotFound", ErrorCategory.ObjectNotFound, path));
                return;
            }
            catch (Exception e) when (e is InvalidDataException || e is IOException || e is UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(e, "SlotFilesUnreadable", ErrorCategory.ReadError, path));
                return;
            }
            string Files(string? host) => string.Join(", ", reader.Slots.Where(k => host == null || string.Equals(k.ComputerName, host, StringComparison.OrdinalIgnoreCase)).Select(k => reader.Hosts.Count > 1 && host == null ? k.ToString() : k.Slot.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var hosts = HostFilter.Match(reader.Hosts, ComputerName,
                n => WriteError(JobErrors.ComputerNameNotFound(n, $"the run in '{reader.Directory}' (its machines: {HostFilter.List(reader.Hosts)})", path)));
            IEnumerable<SlotKey> slots = Slot == null
                ? reader.Slots.Where(k => ComputerName == null || HostFilter.Contains(hosts, k.ComputerName))
                : Choose(hosts, reader.HasSlot, h => h == null
                    ? $"the run in '{reader.Directory}': it has files for slots {Files(null)}"
                    : $"{h} in the run in '{reader.Directory}': it has files for slots {Files(h)}", path);
            try
            {
                foreach (var k in slots)
                    foreach (var line in reader.ReadLines(k, Stream))
                    {
                        if (_stopping.IsSet) return;
                        WriteLine(line);
                    }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(e, "SlotFilesUnreadable", ErrorCategory.ReadError, path));
            }
        }

        private void FromResults()
        {
            var bySlot = SlotSelection.BySlotInRunOrder(_results);
            var resultHosts = bySlot.Select(p => p.Key.ComputerName).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            string Ran(string? host) => string.Join(", ", bySlot.Where(p => host == null || string.Equals(p.Key.ComputerName, host, StringComparison.OrdinalIgnoreCase))
                .Select(p => resultHosts.Count > 1 && host == null ? p.Key.ToString() : p.Key.Slot.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var hosts = HostFilter.Match(resultHosts, ComputerName,
                n => WriteError(JobErrors.ComputerNameNotFound(n, $"the results given (they ran on {HostFilter.List(resultHosts)})", n)));
            var chosen = Slot == null
                ? bySlot.Where(p => ComputerName == null || HostFilter.Contains(hosts, p.Key.ComputerName))
                : Choose(hosts, k => bySlot.Exists(p => p.Key == k), h => h == null
                    ? $"the results given: they ran in slots {Ran(null)}"
                    : $"the results given on {h}: they ran in slots {Ran(h)}", null)
                .Select(k => bySlot.Find(p => p.Key == k));
            foreach (var slot in chosen)
            {
                foreach (var r in slot.Value)
                {
                    if (r.OutputTruncated)
                        WriteWarning($"Result {r.Index} keeps only part of its output (the last lines, long lines cut); every byte is in {r.OutputPath ?? "its run's output directory"} (Receive-SlotOutput -Path).");
                    foreach (var line in r.Lines) WriteLine(line);
                }
            }
        }

        /// <summary>
        /// The -Slot values the chosen machines have, machine by machine in the order given; each other one is
        /// reported as SlotOutOfRange (see <see cref="SlotSelection.Choose(IReadOnlyList{string}, bool, IEnumerable{int}, Func{SlotKey, bool}, Func{string, string}, Action{SlotKey, string})"/>).
        /// </summary>
        private List<SlotKey> Choose(IReadOnlyList<string?> hosts, Func<SlotKey, bool> exists, Func<string?, string> hasOn, object? target) =>
            SlotSelection.Choose(hosts, ComputerName != null, Slot!, exists, hasOn, (k, message) => WriteError(JobErrors.SlotOutOfRange(k.Slot, message, target ?? k.Slot)));

        private void Emit(SlotOutputRead read, ParallelJob job)
        {
            if (read.DroppedLines > 0)
            {
                bool byHost = job.SlotFilesNamedByHost;
                string file = SlotFileSet.FileName(byHost ? read.Key.ComputerName ?? "" : null, read.Slot);
                string where = job.OutputDirectory != null ? $"; every line is in {file}.out / .err in {job.OutputDirectory} (Receive-SlotOutput -Path)" : "";
                string slot = "Slot " + read.Slot.ToString(System.Globalization.CultureInfo.InvariantCulture) + (job.SlotHosts.Count > 1 || byHost ? " on " + read.Key.ComputerName : "");
                WriteWarning($"{slot} printed {read.DroppedLines} more lines than the job keeps unread; the oldest were let go{where}.");
            }
            foreach (var line in read.Lines) WriteLine(line);
        }

        private void WriteLine(SlotOutputLine line)
        {
            if (Stream.HasValue && line.Stream != Stream.Value) return;
            if (Raw.IsPresent) WriteObject(line.Line);
            else WriteObject(line);
        }

        private static bool IsFinished(JobState s) => s == JobState.Completed || s == JobState.Failed || s == JobState.Stopped;
    }
}
