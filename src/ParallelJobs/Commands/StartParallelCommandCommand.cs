using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ParallelJobs.Scheduling;
using ParallelJobs.Jobs;

namespace ParallelJobs.Commands
{
    /// <summary>
    /// Start-ParallelCommand: runs command lines (or a program) with at most -ThrottleLimit at once, in
    /// stable slots, and emits one CommandResult per input. Thin: binds parameters, feeds the engine's
    /// ParallelRun, and turns its events into output, errors and warnings (<see cref="EngineCmdlet"/> drains them).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "ParallelCommand", DefaultParameterSetName = CommandSet, SupportsShouldProcess = true)]
    [OutputType(typeof(CommandResult))]
    [OutputType(typeof(ParallelJob))]
    public sealed class StartParallelCommandCommand : EngineCmdlet
    {
        private const string CommandSet = "Command";
        private const string TemplateSet = "CommandTemplate";
        private const string FilePathSet = "FilePath";

        private ParallelRun? _run;
        private RunOptions? _options;
        private ParallelJob? _job;
        private HaltPolicy? _halt;
        private bool _jobReturned;
        // -WhatIf: the commands are shown, not run (no run exists); -Confirm: each is asked about before it is added.
        private DryRunPlan? _dryRun;
        private bool _confirm;
        private bool _verbose;
        private int _added;

        /// <summary>Command lines run through /bin/sh -c (Unix) or cmd.exe /d /v:off /s /c (Windows).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = CommandSet)]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = TemplateSet)]
        [CommandLineTransformation]
        [ValidateNotNullOrEmpty]
        public string[] Command { get; set; } = Array.Empty<string>();

        /// <summary>Objects that fill the replacement tokens ({} {.} {/} {//} {/.}); one command per object.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = TemplateSet)]
        [Parameter(ValueFromPipeline = true, ParameterSetName = FilePathSet)]
        [AllowNull]
        public PSObject? InputObject { get; set; }

        /// <summary>A program run directly, without a shell.</summary>
        [Parameter(Mandatory = true, ParameterSetName = FilePathSet)]
        [ValidateNotNullOrEmpty]
        public string FilePath { get; set; } = "";

        /// <summary>Arguments to -FilePath, each passed as one argument exactly; may hold replacement tokens.</summary>
        [Parameter(Position = 1, ParameterSetName = FilePathSet)]
        [Alias("Args")]
        [AllowEmptyString]
        public string[] ArgumentList { get; set; } = Array.Empty<string>();

        /// <summary>Most commands running at once (the number of slots). Default: logical processors.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int ThrottleLimit { get; set; } = System.Environment.ProcessorCount;

        /// <summary>Per-command time limit in seconds; on time-out the command's whole process tree is stopped.</summary>
        [Parameter]
        [ValidateRange(0.001, 31536000.0)]
        public double TimeoutSeconds { get; set; }

        /// <summary>Seconds between the polite stop signal and the kill (time-out, Ctrl+C, Stop-Job). Default 2.</summary>
        [Parameter]
        [ValidateRange(0.0, 3600.0)]
        public double GracePeriodSeconds { get; set; } = 2;

        /// <summary>Extra attempts for a command that fails or times out.</summary>
        [Parameter]
        [ValidateRange(0, 1000)]
        public int Retries { get; set; }

        /// <summary>Seconds to wait before a retry, doubled before each next one (at most 5 minutes); with -Retries.</summary>
        [Parameter]
        [ValidateRange(0.0, 86400.0)]
        public double RetryDelaySeconds { get; set; }

        /// <summary>Retry only a command that exited with one of these codes (not a time-out or a signal); with -Retries.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public int[]? RetryOnExitCode { get; set; }

        /// <summary>
        /// When the run stops early, as GNU parallel's --halt: soon|now,fail|success|done=N|N% (soon,fail=1 starts
        /// nothing after the first failure; now,fail=10% also stops the running commands once a tenth of all failed).
        /// Typed bare, -Halt soon,fail=1 reaches the cmdlet as two strings; they are joined with a comma again.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Halt { get; set; }

        /// <summary>Least seconds between two starts (GNU parallel's --delay).</summary>
        [Parameter]
        [ValidateRange(0.0, 86400.0)]
        public double DelaySeconds { get; set; }

        /// <summary>Start no command while this machine has less free memory (bytes; 2GB works) than this (GNU parallel's --memfree). Linux.</summary>
        [Parameter]
        [ValidateRange(1L, long.MaxValue)]
        public long MemoryFree { get; set; }

        /// <summary>Directory the commands start in. Default: the current location.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? WorkingDirectory { get; set; }

        /// <summary>Variables added to the inherited environment ($null removes one).</summary>
        [Parameter]
        public Hashtable? Environment { get; set; }

        /// <summary>Writes each slot's output bytes to slot-&lt;k&gt;.out / slot-&lt;k&gt;.err here; results then keep bounded tails.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? OutputDirectory { get; set; }

        /// <summary>Emit results in input order instead of as commands finish.</summary>
        [Parameter]
        public SwitchParameter KeepOrder { get; set; }

        /// <summary>Appends a GNU-parallel-format job log line (Seq, Host, Starttime, JobRuntime, Send, Receive, Exitval, Signal, Command) per finished command.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? JobLog { get; set; }

        /// <summary>With -JobLog: skip the commands the log already records (GNU parallel --resume).</summary>
        [Parameter]
        public SwitchParameter Resume { get; set; }

        /// <summary>With -JobLog: skip the commands the log records as succeeded, run the failed ones again (--resume-failed).</summary>
        [Parameter]
        public SwitchParameter ResumeFailed { get; set; }

        /// <summary>
        /// Runs the commands on a Slurm cluster as job arrays (sbatch --array=…%ThrottleLimit) instead of on this
        /// machine. Needs the Slurm client commands on PATH and a run directory on a filesystem the nodes share:
        /// under -OutputDirectory, or under parallel-jobs-runs in the working directory.
        /// </summary>
        [Parameter]
        public SwitchParameter Slurm { get; set; }

        /// <summary>Options passed to sbatch as given (e.g. --partition=short, --time=00:10:00, --mem=1G); with -Slurm.</summary>
        [Parameter]
        [ValidateNotNull]
        public string[] SlurmOption { get; set; } = Array.Empty<string>();

        /// <summary>
        /// Runs the commands on these hosts over SSH (the system's OpenSSH client), each entry
        /// [slots/][user@]host[:port]; ':' is this machine without SSH, auto/host takes the host's processor count.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? HostName { get; set; }

        /// <summary>Options for ssh, each Key=Value as for ssh -o (e.g. ConnectTimeout=5); with -HostName.</summary>
        [Parameter]
        [ValidateNotNull]
        public string[] SshOption { get; set; } = Array.Empty<string>();

        /// <summary>An ssh configuration file, passed as ssh -F; with -HostName.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SshConfigFile { get; set; }

        /// <summary>Returns at once a ParallelJob (one child job per command) instead of waiting for the results.</summary>
        [Parameter]
        public SwitchParameter AsJob { get; set; }

        /// <summary>Name of the job made by -AsJob.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        protected override void BeginProcessing()
        {
            if ((Resume.IsPresent || ResumeFailed.IsPresent) && JobLog == null)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Resume and -ResumeFailed need -JobLog: the log of the run to resume."),
                    "ResumeWithoutJobLog", ErrorCategory.InvalidArgument, null));
            }
            if (SlurmOption.Length > 0 && !Slurm.IsPresent)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("-SlurmOption is used only with -Slurm."),
                    "SlurmOptionWithoutSlurm", ErrorCategory.InvalidArgument, null));
            }
            if ((SshOption.Length > 0 || SshConfigFile != null) && HostName == null)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("-SshOption and -SshConfigFile are used only with -HostName."),
                    "SshOptionWithoutHostName", ErrorCategory.InvalidArgument, null));
            }
            try
            {
                if (Halt != null) _halt = HaltPolicy.Parse(string.Join(",", Halt));
            }
            catch (FormatException e)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(e.Message, nameof(Halt), e), "InvalidHalt", ErrorCategory.InvalidArgument, string.Join(",", Halt!)));
            }
            try
            {
                _options = BuildOptions();
            }
            catch (FormatException e)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(e.Message, nameof(HostName), e), "InvalidHostName", ErrorCategory.InvalidArgument, HostName));
            }
            try
            {
                _options!.Validate();
            }
            catch (ArgumentException e)
            {
                // Named for what is wrong, so a script can tell a bad option from an unusable directory.
                ThrowTerminatingError(new ErrorRecord(e, InvalidOptionErrorId(e.ParamName), ErrorCategory.InvalidArgument, e.ParamName));
            }
            _verbose = Wants("Verbose", "VerbosePreference", p => p is ActionPreference a && a != ActionPreference.SilentlyContinue && a != ActionPreference.Ignore);
            _confirm = Wants("Confirm", "ConfirmPreference", p => p is ConfirmImpact c && c != ConfirmImpact.None && c <= ConfirmImpact.Medium);
            if (Wants("WhatIf", "WhatIfPreference", LanguagePrimitives.IsTrue))
            {
                _dryRun = new DryRunPlan(_options!);
                return;
            }
            if (_options!.JobLogPath != null && !TryOpenJobLog(_options.JobLogPath)) return;
            try
            {
                _run = Own(new ParallelRun(_options));
            }
            catch (OutputDirectoryInUseException e)
            {
                ThrowTerminatingError(new ErrorRecord(e, "OutputDirectoryInUse", ErrorCategory.ResourceBusy, OutputDirectory));
            }
            catch (Remote.HostsUnreachableException e)
            {
                ThrowTerminatingError(new ErrorRecord(e, "HostsUnreachable", ErrorCategory.ConnectionError, HostName));
            }
            catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException || e is NotSupportedException || e is ArgumentException)
            {
                string what = _options.Slurm ? "make the Slurm run directory" : $"use output directory '{_options.OutputDirectory}'";
                ThrowTerminatingError(new ErrorRecord(
                    new System.IO.IOException($"Cannot {what}: {e.Message}", e),
                    "OutputDirectoryUnavailable", ErrorCategory.WriteError, OutputDirectory));
            }
            if (AsJob.IsPresent) _job = new ParallelJob(_run!, JobCommandText(), Name, _verbose);
        }

        protected override void ProcessRecord()
        {
            var run = _run;
            switch (ParameterSetName)
            {
                case CommandSet:
                    foreach (var c in Command) Add(run, () => CommandSpec.Shell(c), c);
                    break;
                case TemplateSet:
                    foreach (var input in Inputs())
                        foreach (var c in Command) Add(run, () => CommandSpec.Shell(c, input), input?.Text);
                    break;
                case FilePathSet:
                    if (MyInvocation.ExpectingInput || InputObject != null)
                    {
                        foreach (var input in Inputs()) Add(run, () => CommandSpec.Program(FilePath, ArgumentList, input), input?.Text);
                    }
                    else
                    {
                        Add(run, () => CommandSpec.Program(FilePath, ArgumentList), FilePath);
                    }
                    break;
            }
            if (_job != null) ReturnJob();
            else if (run != null) Drain(run, Write, untilDrained: false);
        }

        protected override void EndProcessing()
        {
            var run = _run;
            if (run == null) return; // a dry run
            ReturnJob();
            run.CompleteAdding();
            if (_job == null) Drain(run, Write, untilDrained: true);
            _run = null;
        }

        /// <summary>
        /// -AsJob: the job comes out with the first input (the commands added so far are its child jobs) and owns
        /// the run from then on (a background thread drains it); this pipeline only adds the commands still coming.
        /// </summary>
        private void ReturnJob()
        {
            if (_job == null || _jobReturned) return;
            _jobReturned = true;
            _job.Register(this);
            _job.StartJob();
            Disown();
            WriteObject(_job);
        }

        protected override void Dispose(bool disposing)
        {
            // Whatever ends this pipeline early (an error upstream, Ctrl+C), the job handed out gets no more commands and can end.
            if (disposing && _jobReturned) _run?.CompleteAdding();
            base.Dispose(disposing);
        }

        /// <summary>A common parameter given (-Verbose, -WhatIf, -Confirm), else what its preference variable says.</summary>
        private bool Wants(string parameter, string preference, Func<object?, bool> fromPreference)
        {
            if (MyInvocation.BoundParameters.TryGetValue(parameter, out object? given)) return LanguagePrimitives.IsTrue(given);
            object? value = GetVariableValue(preference);
            return fromPreference(value is PSObject pso ? pso.BaseObject : value);
        }

        private static string InvalidOptionErrorId(string? option) => option switch
        {
            nameof(RunOptions.Environment) => "InvalidEnvironmentVariableName",
            null or "" => "InvalidOption",
            _ => "Invalid" + option,
        };

        /// <summary>Checks the job log before anything starts, so its problems are named as its own.</summary>
        private bool TryOpenJobLog(string path)
        {
            try
            {
                JobLogCheck.EnsureUsable(path, resuming: _options!.Resume != ResumeMode.None);
                return true;
            }
            catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException || e is NotSupportedException || e is ArgumentException || e is System.IO.InvalidDataException)
            {
                ThrowTerminatingError(new ErrorRecord(e, e is System.IO.InvalidDataException ? "InvalidJobLog" : "JobLogUnavailable",
                    e is System.IO.InvalidDataException ? ErrorCategory.InvalidData : ErrorCategory.WriteError, path));
                return false;
            }
        }

        /// <summary>
        /// The inputs of this record: one per pipeline object (an array is one input of several values, {1} {2} …),
        /// or with -InputObject given an array directly, one per element, as from the pipeline.
        /// </summary>
        private IEnumerable<CommandInput?> Inputs()
        {
            var names = TokenNames();
            var value = InputObject?.BaseObject;
            if (!MyInvocation.ExpectingInput && value is IEnumerable list && !(value is string) && !(value is IDictionary))
            {
                foreach (var item in list) yield return InputText.ToCommandInput(item, names);
            }
            else
            {
                yield return InputText.ToCommandInput(InputObject, names);
            }
        }

        private IReadOnlyList<string>? _tokenNames;

        /// <summary>The {Name} tokens of the command (or program and arguments): the properties taken from each object.</summary>
        private IReadOnlyList<string> TokenNames() => _tokenNames ??= CommandTemplate.NamesIn(
            ParameterSetName == FilePathSet ? new[] { FilePath }.Concat(ArgumentList) : Command);

        private void Add(ParallelRun? run, Func<CommandSpec> make, string? what)
        {
            CommandSpec spec;
            try
            {
                spec = make();
            }
            catch (ArgumentException e)
            {
                WriteError(new ErrorRecord(e, "InvalidCommand", ErrorCategory.InvalidArgument, what));
                return;
            }
            if (_dryRun != null)
            {
                string planned = _dryRun.Describe(spec);
                ShouldProcess(planned, planned, "Start-ParallelCommand"); // prints "What if: Command 1 in slot 0: …"
                return;
            }
            if (_confirm && !ShouldProcess(DryRunPlan.Describe(spec, _added), "Start " + DryRunPlan.Describe(spec, _added) + "?", "Start-ParallelCommand")) return;
            int index = run!.Add(spec);
            _job?.AddCommand(index, spec.DisplayText); // its child job exists now, whichever thread makes it first
            _added++;
        }

        private void Write(RunEvent e)
        {
            if (_verbose && e.Describe() is string text) WriteVerbose(text);
            if (e.Kind == RunEventKind.CommandFinished) Emit(e.Result!);
            else if (e.Kind == RunEventKind.Warning) WriteWarning(e.Message);
        }

        private void Emit(CommandResult result)
        {
            WriteObject(Jobs.ResultView.For(result, HostName != null));
            // The same records a job writes; with -ErrorAction Stop this throws, and Dispose stops what still runs.
            var warning = CommandWarnings.For(result);
            if (warning != null) WriteWarning(warning);
            foreach (var error in CommandFailureRecord.For(result)) WriteError(error);
        }

        private string JobCommandText() => ParameterSetName == FilePathSet
            ? string.Join(" ", new[] { FilePath }.Concat(ArgumentList))
            : string.Join("; ", Command);

        private RunOptions BuildOptions()
        {
            var o = new RunOptions
            {
                ThrottleLimit = ThrottleLimit,
                KeepOrder = KeepOrder.IsPresent,
                Retries = Retries,
                GracePeriod = TimeSpan.FromSeconds(GracePeriodSeconds),
                WorkingDirectory = SessionState.Path.GetUnresolvedProviderPathFromPSPath(
                    WorkingDirectory ?? SessionState.Path.CurrentFileSystemLocation.Path),
            };
            if (TimeoutSeconds > 0) o.Timeout = TimeSpan.FromSeconds(TimeoutSeconds);
            o.Halt = _halt;
            o.StartDelay = TimeSpan.FromSeconds(DelaySeconds);
            if (MemoryFree > 0) o.MemoryFree = MemoryFree;
            o.RetryDelay = TimeSpan.FromSeconds(RetryDelaySeconds);
            foreach (var code in RetryOnExitCode ?? Array.Empty<int>()) o.RetryOnExitCodes.Add(code);
            if (OutputDirectory != null) o.OutputDirectory = SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutputDirectory);
            if (JobLog != null) o.JobLogPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(JobLog);
            o.Resume = ResumeFailed.IsPresent ? ResumeMode.ResumeFailed : Resume.IsPresent ? ResumeMode.Resume : ResumeMode.None;
            o.Slurm = Slurm.IsPresent;
            foreach (var option in SlurmOption) o.SlurmOptions.Add(option);
            if (HostName != null)
            {
                o.Hosts = Remote.SshHost.ParseAll(HostName);
                o.Ssh = new Remote.SshSettings();
                foreach (var option in SshOption) o.Ssh.Options.Add(option);
                if (SshConfigFile != null) o.Ssh.ConfigFile = SessionState.Path.GetUnresolvedProviderPathFromPSPath(SshConfigFile);
                // On a host, a directory is the host's own path, used as given; without one, the login directory.
                o.RemoteWorkingDirectory = WorkingDirectory;
            }
            if (Environment != null)
            {
                foreach (DictionaryEntry kv in Environment)
                {
                    // Passed on as given: RunOptions.Validate rejects a name that cannot be a variable.
                    string key = InputText.From(kv.Key) ?? "";
                    o.Environment[key] = InputText.From(kv.Value);
                }
            }
            return o;
        }
    }
}
