using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;
using ParallelJobs.Plotting;

namespace ParallelJobs.Commands
{
    /// <summary>
    /// Export-QualityPlot: FastQC-style plots of QualityDistribution objects, written to an .svg (per-position box
    /// plots, or with -Kind the per-read quality histogram or the read lengths; one plot, or several stacked) or a
    /// self-contained .html page (FastQC's modules with pass/warn/fail, the samples side by side). Collects all
    /// pipeline input and writes once, in EndProcessing. Never overwrites an existing file without -Force.
    /// </summary>
    [Cmdlet(VerbsData.Export, "QualityPlot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportQualityPlotCommand : PSCmdlet
    {
        private readonly List<QualityDistribution> _distributions = new List<QualityDistribution>();
        private OutputFile? _file;
        private bool _isHtml;
        private int _dropped;

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

        /// <summary>
        /// What to draw: quality per position (default for .svg), the per-read mean-quality histogram, or the read
        /// lengths. An .html page without -Kind shows every module of each sample.
        /// </summary>
        [Parameter]
        public QualityPlotKind Kind { get; set; } = QualityPlotKind.PerBase;

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
            if (Kind != QualityPlotKind.PerBase)
            {
                DropDistributionsWithoutPerRead();
            }
            if (_distributions.Count == 0 && _dropped > 0)
            {
                return;
            }
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

            string content = Render();
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

        /// <summary>The file's text: a box plot, bar charts, or the HTML page (every module unless -Kind was given).</summary>
        private string Render()
        {
            var boxes = new SvgBoxPlotRenderer(Width, Height);
            if (_isHtml)
            {
                QualityPlotKind? only = MyInvocation.BoundParameters.ContainsKey(nameof(Kind)) ? Kind : (QualityPlotKind?)null;
                return new HtmlReportWriter(boxes, new SvgBarChartRenderer(Width, Height)).Render(_distributions, only);
            }
            if (Kind == QualityPlotKind.PerBase)
            {
                return boxes.RenderDocument(_distributions);
            }
            return new SvgBarChartRenderer(Width, Height).RenderDocument(_distributions.ConvertAll(d => ModuleCharts.For(d, Kind)));
        }

        /// <summary>A distribution counted without -PerRead has no per-read plot: an error names it, and the others are still written.</summary>
        private void DropDistributionsWithoutPerRead()
        {
            foreach (var distribution in _distributions.FindAll(d => !ModuleCharts.HasData(d, Kind)))
            {
                WriteError(new ErrorRecord(new ArgumentException(ModuleCharts.MissingMessage(distribution, Kind)),
                    "QualityDistributionWithoutPerRead", ErrorCategory.InvalidData, distribution));
                _dropped++;
            }
            _distributions.RemoveAll(d => !ModuleCharts.HasData(d, Kind));
        }
    }
}
