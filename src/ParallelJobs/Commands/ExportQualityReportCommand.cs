using System;
using System.IO;
using System.Management.Automation;
using ParallelJobs.Reports;

namespace ParallelJobs.Commands
{
    /// <summary>
    /// Export-QualityReport: writes each QualityDistribution (computed with -PerRead) as a report in a format other
    /// tools read. -Format FastQC: &lt;Path&gt;/&lt;name&gt;_fastqc/fastqc_data.txt, FastQC's own text format, which
    /// MultiQC aggregates. A distribution that cannot be written is a non-terminating error naming it; the others
    /// are still written.
    /// </summary>
    [Cmdlet(VerbsData.Export, "QualityReport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportQualityReportCommand : PSCmdlet
    {
        private string _directory = "";

        /// <summary>Directory that receives one report folder per distribution; created when absent.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>Report format: FastQC (fastqc_data.txt).</summary>
        [Parameter]
        [ValidateSet("FastQC")]
        public string Format { get; set; } = "FastQC";

        /// <summary>Distributions from Get-QualityDistribution -PerRead, Import-QualityDistribution or Merge-QualityDistribution.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
        [ValidateNotNull]
        public QualityDistribution[] InputObject { get; set; } = Array.Empty<QualityDistribution>();

        /// <summary>Replace reports that exist already.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Emit each written fastqc_data.txt as a FileInfo.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            _directory = OutputFile.ResolveFileSystemPath(this, Path, "Report");
            if (File.Exists(_directory))
                ThrowTerminatingError(new ErrorRecord(new IOException("'" + _directory + "' is a file; -Path names the directory that receives the reports."),
                    "ReportPathIsFile", ErrorCategory.InvalidArgument, Path));
        }

        protected override void ProcessRecord()
        {
            foreach (var distribution in InputObject)
            {
                if (distribution == null) continue;
                string folder = System.IO.Path.Combine(_directory, FastQcReport.FolderName(distribution.Name));
                string file = System.IO.Path.Combine(folder, "fastqc_data.txt");
                if (!ShouldProcess(file, "Write the FastQC report of '" + distribution.Name + "'")) continue;
                if (File.Exists(file) && !Force.IsPresent)
                {
                    WriteError(new ErrorRecord(new IOException("The report '" + file + "' exists; use -Force to replace it."), "ReportExists", ErrorCategory.ResourceExists, distribution));
                    continue;
                }
                try
                {
                    string written = FastQcReport.Write(distribution, _directory);
                    if (PassThru.IsPresent) WriteObject(new FileInfo(written));
                }
                catch (ArgumentException e)
                {
                    WriteError(new ErrorRecord(e, "ReportWithoutPerReadMetrics", ErrorCategory.InvalidData, distribution));
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    WriteError(new ErrorRecord(new IOException("Cannot write '" + file + "': " + e.Message, e), "ReportWriteFailed", ErrorCategory.WriteError, distribution));
                }
            }
        }
    }
}
