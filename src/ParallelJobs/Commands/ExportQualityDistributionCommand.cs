using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using ParallelJobs.Reports;

namespace ParallelJobs.Commands
{
    /// <summary>
    /// Export-QualityDistribution: saves QualityDistribution objects, with their per-position score counts, to a
    /// versioned JSON file that Import-QualityDistribution loads without loss (so that results of several machines
    /// can be merged exactly). All pipeline input goes into one file, written in EndProcessing; an existing file is
    /// never overwritten without -Force.
    /// </summary>
    [Cmdlet(VerbsData.Export, "QualityDistribution", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportQualityDistributionCommand : PSCmdlet
    {
        private readonly List<QualityDistribution> _distributions = new List<QualityDistribution>();
        private string _resolvedPath = "";

        /// <summary>File to write (JSON).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>Distributions from Get-QualityDistribution, Import-QualityDistribution or Merge-QualityDistribution.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
        [ValidateNotNull]
        public QualityDistribution[] InputObject { get; set; } = Array.Empty<QualityDistribution>();

        /// <summary>Overwrite the file if it exists.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Emit the written file as a FileInfo.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            _resolvedPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path, out ProviderInfo provider, out _);
            if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
                Fail(new ArgumentException("Export-QualityDistribution writes files; '" + Path + "' is on the " + provider.Name + " provider."), "DistributionPathNotFileSystem", ErrorCategory.InvalidArgument);
            if (Directory.Exists(_resolvedPath))
                Fail(new IOException("The path is a directory, not a file: " + _resolvedPath), "DistributionPathIsDirectory", ErrorCategory.InvalidArgument);
            string? directory = System.IO.Path.GetDirectoryName(_resolvedPath);
            if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
                Fail(new DirectoryNotFoundException("The directory does not exist: " + directory), "DistributionDirectoryNotFound", ErrorCategory.ObjectNotFound);
            if (File.Exists(_resolvedPath) && !Force.IsPresent) ThrowFileExists();
        }

        protected override void ProcessRecord()
        {
            foreach (var distribution in InputObject)
                if (distribution != null) _distributions.Add(distribution);
        }

        protected override void EndProcessing()
        {
            if (_distributions.Count == 0)
            {
                WriteWarning("No QualityDistribution objects were received; " + _resolvedPath + " was not written.");
                return;
            }
            string what = _distributions.Count == 1
                ? "Save quality distribution '" + _distributions[0].Name + "'"
                : "Save " + _distributions.Count + " quality distributions";
            if (!ShouldProcess(_resolvedPath, what)) return;
            try
            {
                QualityDistributionFile.Save(_resolvedPath, _distributions, overwrite: Force.IsPresent);
            }
            catch (ArgumentException e)
            {
                Fail(e, "DistributionWithoutCounts", ErrorCategory.InvalidData);
            }
            catch (IOException) when (!Force.IsPresent && File.Exists(_resolvedPath))
            {
                ThrowFileExists();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                Fail(e, "DistributionWriteFailed", ErrorCategory.WriteError);
            }
            if (PassThru.IsPresent) WriteObject(new FileInfo(_resolvedPath));
        }

        private void ThrowFileExists() =>
            Fail(new IOException("The file '" + _resolvedPath + "' already exists. Use -Force to overwrite it."), "DistributionFileExists", ErrorCategory.ResourceExists);

        private void Fail(Exception e, string id, ErrorCategory category) =>
            ThrowTerminatingError(new ErrorRecord(e, id, category, _resolvedPath.Length > 0 ? _resolvedPath : Path));
    }
}
