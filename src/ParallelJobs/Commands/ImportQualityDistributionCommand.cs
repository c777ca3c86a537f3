using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using ParallelJobs.Reports;

namespace ParallelJobs.Commands
{
    /// <summary>
    /// Import-QualityDistribution: loads files written by Export-QualityDistribution and emits their
    /// QualityDistribution objects, with every number as it was saved. A file that cannot be loaded is a
    /// non-terminating error naming the file and what is wrong; the other files are still loaded.
    /// </summary>
    [Cmdlet(VerbsData.Import, "QualityDistribution", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(QualityDistribution))]
    public sealed class ImportQualityDistributionCommand : PSCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";

        /// <summary>Files to load; wildcards allowed.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = Array.Empty<string>();

        /// <summary>Files to load, taken literally. Get-ChildItem output binds here through PSPath.</summary>
        [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "LP")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            bool literal = ParameterSetName == LiteralPathSet;
            foreach (string path in literal ? LiteralPath : Path)
            {
                foreach (string file in Resolve(path, literal))
                {
                    List<QualityDistribution> loaded;
                    try
                    {
                        loaded = QualityDistributionFile.Load(file);
                    }
                    catch (QualityDistributionFileException e)
                    {
                        WriteError(new ErrorRecord(new InvalidDataException(e.Message, e), "InvalidQualityDistributionFile", ErrorCategory.InvalidData, file));
                        continue;
                    }
                    WriteObject(loaded, enumerateCollection: true);
                }
            }
        }

        private List<string> Resolve(string path, bool literal)
        {
            var files = new List<string>();
            try
            {
                ProviderInfo provider;
                if (literal)
                {
                    string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
                    if (!IsFileSystem(provider, path)) return files;
                    if (!File.Exists(full)) WriteNotFound(path, Directory.Exists(full));
                    else files.Add(full);
                }
                else
                {
                    foreach (string full in SessionState.Path.GetResolvedProviderPathFromPSPath(path, out provider))
                    {
                        if (!IsFileSystem(provider, path)) return files;
                        if (File.Exists(full)) files.Add(full);
                        else if (!WildcardPattern.ContainsWildcardCharacters(path)) WriteNotFound(full, Directory.Exists(full));
                    }
                }
            }
            catch (Exception e) when (e is ItemNotFoundException || e is System.Management.Automation.DriveNotFoundException || e is ProviderNotFoundException || e is PSArgumentException)
            {
                WriteError(new ErrorRecord(e, "PathNotFound", ErrorCategory.ObjectNotFound, path));
            }
            return files;
        }

        private bool IsFileSystem(ProviderInfo provider, string path)
        {
            if (provider.ImplementingType == typeof(Microsoft.PowerShell.Commands.FileSystemProvider)) return true;
            WriteError(new ErrorRecord(new PSArgumentException("Import-QualityDistribution reads files; '" + path + "' is in the " + provider.Name + " provider."),
                "NotFileSystemPath", ErrorCategory.InvalidArgument, path));
            return false;
        }

        private void WriteNotFound(string path, bool isDirectory) =>
            WriteError(new ErrorRecord(
                isDirectory ? (Exception)new IOException(path + ": is a directory; Import-QualityDistribution reads files written by Export-QualityDistribution")
                            : new ItemNotFoundException("Cannot find path '" + path + "' because it does not exist."),
                isDirectory ? "PathIsDirectory" : "PathNotFound", isDirectory ? ErrorCategory.InvalidArgument : ErrorCategory.ObjectNotFound, path));
    }
}
