using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using ParallelJobs.Quality;

namespace ParallelJobs.Commands
{
    /// <summary>
    /// Get-QualityDistribution: per-position Phred quality statistics of .qual and FASTQ files, computed in
    /// parallel by file and merged per input (directory or file), or over everything with -Merge.
    /// Thin: resolves paths, feeds <see cref="QualityDistributionRun"/>, and turns its events into output, errors
    /// and warnings (<see cref="EngineCmdlet"/> drains them); every decision (formats, offsets, statistics, errors)
    /// is the engine's.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "QualityDistribution", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(QualityDistribution))]
    [OutputType(typeof(PositionQuality))]
    public sealed class GetQualityDistributionCommand : EngineCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";

        private QualityDistributionRun? _run;

        /// <summary>Directories or files; wildcards allowed.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = Array.Empty<string>();

        /// <summary>
        /// Directories or files, taken literally (no wildcards). Get-ChildItem output binds here through PSPath, and
        /// any object with a FullName property (a [pscustomobject]@{ FullName = … } too) through FullName.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "LP", "FullName")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; } = Array.Empty<string>();

        /// <summary>Also read quality files in subdirectories of a directory (still one result per given directory).</summary>
        [Parameter]
        public SwitchParameter Recurse { get; set; }

        /// <summary>One result for all inputs together.</summary>
        [Parameter]
        public SwitchParameter Merge { get; set; }

        /// <summary>
        /// Also count per-read metrics (Reads: mean quality per read, lengths, N50, GC per read, N per position),
        /// which Export-QualityReport needs. Off by default, so the quality-only path stays as fast as it is.
        /// </summary>
        [Parameter]
        public SwitchParameter PerRead { get; set; }

        /// <summary>
        /// Every file must have a mate (a file whose name differs only in _R1/_R2 or _1/_2); one without is an error.
        /// _R1/_R2 mates are checked with or without it (same number of records, matching read ids); _1/_2 ones with it.
        /// </summary>
        [Parameter]
        public SwitchParameter Paired { get; set; }

        /// <summary>Emit the PositionQuality rows (with Name) instead of the distributions, e.g. for Export-Csv.</summary>
        [Parameter]
        public SwitchParameter ByPosition { get; set; }

        /// <summary>Files read at once (worker threads, slots 0..N-1); default: the number of logical processors.</summary>
        [Parameter]
        [ValidateRange(1, 1024)]
        public int ThrottleLimit { get; set; } = Environment.ProcessorCount;

        /// <summary>FASTQ quality offset; by default it is detected per file.</summary>
        [Parameter]
        [ValidateSet("33", "64")]
        public int PhredOffset { get; set; }

        protected override void BeginProcessing()
        {
            _run = Own(new QualityDistributionRun(new QualityRunOptions
            {
                ThrottleLimit = ThrottleLimit,
                Merge = Merge.IsPresent,
                PerRead = PerRead.IsPresent,
                Paired = Paired.IsPresent,
                PhredOffset = MyInvocation.BoundParameters.ContainsKey(nameof(PhredOffset)) ? PhredOffset : (int?)null,
            }));
        }

        protected override void ProcessRecord()
        {
            bool literal = ParameterSetName == LiteralPathSet;
            foreach (string path in literal ? LiteralPath : Path)
            {
                foreach (string resolved in Resolve(path, literal))
                {
                    QualityInput input;
                    try
                    {
                        input = QualityInput.FromPath(resolved, Recurse.IsPresent);
                    }
                    catch (FileNotFoundException e)
                    {
                        WriteError(new ErrorRecord(new ItemNotFoundException(e.Message, e), "PathNotFound", ErrorCategory.ObjectNotFound, path));
                        continue;
                    }
                    catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                    {
                        var category = e is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.ReadError;
                        WriteError(new ErrorRecord(e, "QualityPathUnreadable", category, resolved));
                        continue;
                    }
                    _run!.Add(input);
                }
            }
            Drain(_run!, Write, untilDrained: false);
        }

        protected override void EndProcessing()
        {
            _run!.Complete();
            Drain(_run, Write, untilDrained: true);
        }

        // Wildcards expand through the provider; a path that matches nothing is a non-terminating PathNotFound.
        private List<string> Resolve(string path, bool literal)
        {
            var resolved = new List<string>();
            try
            {
                if (literal)
                {
                    string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
                    if (IsFileSystem(provider, path)) resolved.Add(full);
                }
                else
                {
                    var matches = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out ProviderInfo provider);
                    if (IsFileSystem(provider, path)) resolved.AddRange(matches);
                    if (matches.Count == 0) WritePathNotFound(path);
                }
            }
            catch (ItemNotFoundException e)
            {
                // A path without wildcards that the provider cannot see may be behind a directory that cannot be
                // entered: the engine says which ("permission denied"), or that it really is not there.
                if (!literal && !WildcardPattern.ContainsWildcardCharacters(path) && UnresolvedFileSystemPath(path) is string full) resolved.Add(full);
                else WriteError(new ErrorRecord(e, "PathNotFound", ErrorCategory.ObjectNotFound, path));
            }
            catch (Exception e) when (e is System.Management.Automation.DriveNotFoundException || e is ProviderNotFoundException || e is PSArgumentException)
            {
                WriteError(new ErrorRecord(e, "PathNotFound", ErrorCategory.ObjectNotFound, path));
            }
            return resolved;
        }

        private string? UnresolvedFileSystemPath(string path)
        {
            try
            {
                string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
                return provider.Name == "FileSystem" ? full : null;
            }
            catch (Exception e) when (e is ItemNotFoundException || e is System.Management.Automation.DriveNotFoundException || e is ProviderNotFoundException || e is PSArgumentException)
            {
                return null;
            }
        }

        private bool IsFileSystem(ProviderInfo provider, string path)
        {
            if (provider.Name == "FileSystem") return true;
            WriteError(new ErrorRecord(new PSArgumentException("Get-QualityDistribution reads files; '" + path + "' is in the " + provider.Name + " provider."),
                "NotFileSystemPath", ErrorCategory.InvalidArgument, path));
            return false;
        }

        private void WritePathNotFound(string path) =>
            WriteError(new ErrorRecord(new ItemNotFoundException("Cannot find path '" + path + "' because it does not exist."), "PathNotFound", ErrorCategory.ObjectNotFound, path));

        private void Write(QualityRunEvent runEvent)
        {
            switch (runEvent.Kind)
            {
                case QualityRunEventKind.Result:
                    var distribution = runEvent.Distribution!;
                    if (ByPosition.IsPresent) WriteObject(distribution.Positions, enumerateCollection: true);
                    else WriteObject(distribution);
                    break;
                case QualityRunEventKind.Error:
                    WriteError(ToErrorRecord(runEvent.Error!));
                    break;
                case QualityRunEventKind.Warning:
                    WriteWarning(runEvent.Warning!.ToString());
                    break;
                case QualityRunEventKind.Verbose:
                    WriteVerbose(runEvent.Message);
                    break;
            }
        }

        private static ErrorCategory ReadCategory(QualityFileError error) =>
            error.Message.StartsWith("permission denied", StringComparison.Ordinal) ? ErrorCategory.PermissionDenied : ErrorCategory.ReadError;

        private static ErrorRecord ToErrorRecord(QualityFileError error)
        {
            string where = error.Line > 0 ? error.Path + ", line " + error.Line : error.Path;
            switch (error.Kind)
            {
                case QualityErrorKind.NoQualityFiles:
                    return new ErrorRecord(new FileNotFoundException(error.Path + ": " + error.Message, error.Path), "NoQualityFiles", ErrorCategory.ObjectNotFound, error.Path);
                case QualityErrorKind.UnreadableFile:
                    return new ErrorRecord(new IOException(where + ": " + error.Message), "QualityFileUnreadable", ReadCategory(error), error.Path);
                case QualityErrorKind.UnreadableDirectory:
                    return new ErrorRecord(new IOException(where + ": " + error.Message), "QualityDirectoryUnreadable", ReadCategory(error), error.Path);
                default:
                    // A defect at a line: the records before it are good but do not count. A defect in the file as
                    // a whole (corrupt or truncated gzip data) has no such count to give.
                    string skipped = error.Line > 0 ? "; the file was skipped (" + error.RecordsBeforeError + " good records before the error do not count)" : "; the file was skipped (nothing from it counts)";
                    var record = new ErrorRecord(new InvalidDataException(where + ": " + error.Message + skipped),
                        "InvalidQualityFile", ErrorCategory.InvalidData, error.Path);
                    record.ErrorDetails = new ErrorDetails(where + ": " + error.Message)
                    {
                        RecommendedAction = "Fix or remove the file; the other files are counted without it.",
                    };
                    return record;
            }
        }
    }
}
