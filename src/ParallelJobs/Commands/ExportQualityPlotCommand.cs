using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;
using ParallelJobs.Plotting;

namespace ParallelJobs.Commands
{
    /// <summary>
    /// Export-QualityPlot: FastQC-style per-position box plots of QualityDistribution objects, written to an .svg
    /// (one plot, or several stacked) or a self-contained .html page (one plot per distribution). Collects all
    /// pipeline input and writes once, in EndProcessing. Never overwrites an existing file without -Force.
    /// </summary>
    [Cmdlet(VerbsData.Export, "QualityPlot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportQualityPlotCommand : PSCmdlet
    {
        private readonly List<QualityDistribution> _distributions = new List<QualityDistribution>();
        private OutputFile? _file;
        private bool _isHtml;

        /// <summary>File to write; the extension (.svg, .html or .htm) chooses the format.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>Distributions from Get-QualityDistribution.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
        [ValidateNotNull]
        public QualityDistribution[] InputObject { get; set; } = Array.Empty<QualityDistribution>();

        /// <summary>Width of each plot in pixels.</summary>
        [Parameter]
        [ValidateRange(SvgBoxPlotRenderer.MinimumSize, 20000)]
        public int Width { get; set; } = SvgBoxPlotRenderer.DefaultWidth;

        /// <summary>Height of each plot in pixels.</summary>
        [Parameter]
        [ValidateRange(SvgBoxPlotRenderer.MinimumSize, 20000)]
        public int Height { get; set; } = SvgBoxPlotRenderer.DefaultHeight;

        /// <summary>Overwrite the file if it exists.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Emit the written file as a FileInfo.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing() =>
            _file = OutputFile.Resolve(this, Path, "Plot", Force.IsPresent, resolved =>
            {
                string extension = System.IO.Path.GetExtension(resolved).ToLowerInvariant();
                if (extension != ".svg" && extension != ".html" && extension != ".htm")
                {
                    ThrowTerminatingError(new ErrorRecord(
                        new ArgumentException("Export-QualityPlot writes .svg or .html files, not '" + extension + "': " + resolved),
                        "UnsupportedPlotFileType", ErrorCategory.InvalidArgument, Path));
                }
                _isHtml = extension != ".svg";
            });

        protected override void ProcessRecord()
        {
            _distributions.AddRange(InputObject);
        }

        protected override void EndProcessing()
        {
            if (_distributions.Count == 0)
            {
                WriteWarning("No QualityDistribution objects were received; " + _file!.ResolvedPath + " was not written.");
                return;
            }
            string what = _distributions.Count == 1
                ? "Write quality plot of '" + _distributions[0].Name + "'"
                : "Write quality plots of " + _distributions.Count + " distributions";
            if (!ShouldProcess(_file!.ResolvedPath, what))
            {
                return;
            }

            var renderer = new SvgBoxPlotRenderer(Width, Height);
            string content = _isHtml ? new HtmlReportWriter(renderer).Render(_distributions) : renderer.RenderDocument(_distributions);
            _file.Write((path, overwrite) =>
            {
                using (var stream = new FileStream(path, overwrite ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.None))
                using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
                {
                    writer.Write(content);
                }
            });
            if (PassThru.IsPresent)
            {
                WriteObject(new FileInfo(_file.ResolvedPath));
            }
        }
    }
}
