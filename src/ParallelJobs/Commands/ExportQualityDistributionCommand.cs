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
        private OutputFile? _file;

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

        protected override void BeginProcessing() =>
            _file = OutputFile.Resolve(this, Path, "Distribution", Force.IsPresent);

        protected override void ProcessRecord()
        {
            foreach (var distribution in InputObject)
                if (distribution != null) _distributions.Add(distribution);
        }

        protected override void EndProcessing()
        {
            if (_distributions.Count == 0)
            {
                WriteWarning("No QualityDistribution objects were received; " + _file!.ResolvedPath + " was not written.");
                return;
            }
            string what = _distributions.Count == 1
                ? "Save quality distribution '" + _distributions[0].Name + "'"
                : "Save " + _distributions.Count + " quality distributions";
            if (!ShouldProcess(_file!.ResolvedPath, what)) return;
            _file.Write((path, overwrite) =>
            {
                try
                {
                    QualityDistributionFile.Save(path, _distributions, overwrite);
                }
                catch (ArgumentException e)
                {
                    _file.Fail(e, "WithoutCounts", ErrorCategory.InvalidData, path);
                }
            });
            if (PassThru.IsPresent) WriteObject(new FileInfo(_file.ResolvedPath));
        }
    }
}
