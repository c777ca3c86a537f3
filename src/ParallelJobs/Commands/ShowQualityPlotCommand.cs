using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Host;
using ParallelJobs.Plotting;

namespace ParallelJobs.Commands
{
    /// <summary>
    /// Show-QualityPlot: mean quality per position of QualityDistribution objects, drawn as text (a line plot,
    /// titled "name [min, max]"), or with -Kind the per-read mean-quality histogram or the read lengths as bars. Writes one string per line to the output stream, so "&gt; file" keeps it.
    /// Size: -Width/-Height, else the console window, else 80x24 when the output is not going to the console.
    /// Colour: per $PSStyle.OutputRendering, and never when the output is redirected.
    /// </summary>
    [Cmdlet(VerbsCommon.Show, "QualityPlot")]
    [OutputType(typeof(string))]
    public sealed class ShowQualityPlotCommand : PSCmdlet
    {
        private static readonly char[] LineBreaks = { '\r', '\n' };

        private const int FallbackWidth = 80;
        private const int FallbackHeight = 24;

        private readonly TerminalPlotRenderer _renderer = new TerminalPlotRenderer();
        private readonly List<QualityDistribution> _overlaid = new List<QualityDistribution>();
        private TerminalPlotOptions _options = new TerminalPlotOptions();
        private bool _plotted;

        /// <summary>Distributions from Get-QualityDistribution.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNull]
        public QualityDistribution[] InputObject { get; set; } = Array.Empty<QualityDistribution>();

        /// <summary>Characters per line of the plot; default: the console width.</summary>
        [Parameter]
        [ValidateRange(TerminalPlotOptions.MinimumWidth, 1000)]
        public int Width { get; set; }

        /// <summary>Lines per plot; default: the console height.</summary>
        [Parameter]
        [ValidateRange(TerminalPlotOptions.MinimumHeight, 1000)]
        public int Height { get; set; }

        /// <summary>Draw all distributions in one plot, each with its own marker, and a legend (quality per position only).</summary>
        [Parameter]
        public SwitchParameter Overlay { get; set; }

        /// <summary>What to draw: quality per position (default), the per-read mean-quality histogram, or the read lengths.</summary>
        [Parameter]
        public QualityPlotKind Kind { get; set; } = QualityPlotKind.PerBase;

        protected override void BeginProcessing()
        {
            if (Overlay.IsPresent && Kind != QualityPlotKind.PerBase)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("-Overlay draws the quality per position of several distributions in one plot; the " + ModuleCharts.Describe(Kind)
                        + " (-Kind " + Kind + ") is drawn one distribution at a time: leave out -Overlay."),
                    "OverlayNeedsPerBase", ErrorCategory.InvalidArgument, Kind));
            }
            bool toHost = OutputDestinationProbe.GoesToHost(this) && !Console.IsOutputRedirected;
            var (consoleWidth, consoleHeight) = toHost ? WindowSize() : (FallbackWidth, FallbackHeight);
            _options = new TerminalPlotOptions
            {
                Width = MyInvocation.BoundParameters.ContainsKey(nameof(Width)) ? Width : consoleWidth,
                Height = MyInvocation.BoundParameters.ContainsKey(nameof(Height)) ? Height : consoleHeight,
                UseColor = AnsiColorPolicy.ShouldUseColor(OutputRendering(), toHost, HostSupportsVirtualTerminal()),
            };
        }

        protected override void ProcessRecord()
        {
            if (Overlay.IsPresent)
            {
                _overlaid.AddRange(InputObject);
                return;
            }
            foreach (var distribution in InputObject)
            {
                if (Kind == QualityPlotKind.PerBase)
                {
                    Plot(() => _renderer.Render(new[] { distribution }, _options), distribution);
                }
                else if (!ModuleCharts.HasData(distribution, Kind))
                {
                    WriteError(new ErrorRecord(new ArgumentException(ModuleCharts.MissingMessage(distribution, Kind)),
                        "QualityDistributionWithoutPerRead", ErrorCategory.InvalidData, distribution));
                }
                else
                {
                    Plot(() => TerminalBarRenderer.Render(ModuleCharts.For(distribution, Kind), _options), distribution);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (Overlay.IsPresent && _overlaid.Count > 0)
            {
                Plot(() => _renderer.Render(_overlaid, _options), _overlaid);
            }
        }

        private void Plot(Func<IReadOnlyList<string>> render, object target)
        {
            IReadOnlyList<string> lines;
            try
            {
                lines = render();
            }
            catch (ArgumentOutOfRangeException exception)
            {
                ThrowTerminatingError(new ErrorRecord(exception, "QualityPlotTooSmall", ErrorCategory.InvalidArgument, target)
                {
                    ErrorDetails = new ErrorDetails("The plot does not fit in " + _options.Width + "x" + _options.Height + ": " + FirstLine(exception.Message)),
                });
                return;
            }
            if (_plotted)
            {
                WriteObject("");
            }
            foreach (string line in lines)
            {
                WriteObject(line);
            }
            _plotted = true;
        }

        /// <summary>
        /// Lines of the window left to the terminal: the command line typed, the prompt after the plot, and one
        /// more for a prompt of two lines, so the whole plot and the command that drew it stay on screen.
        /// </summary>
        private const int PromptLines = 3;

        /// <summary>The console size, one column short so the plot does not wrap, and <see cref="PromptLines"/> short.</summary>
        private (int Width, int Height) WindowSize()
        {
            try
            {
                Size size = Host.UI.RawUI.WindowSize;
                if (size.Width > 0 && size.Height > 0)
                {
                    return (Math.Max(TerminalPlotOptions.MinimumWidth, size.Width - 1), Math.Max(TerminalPlotOptions.MinimumHeight, size.Height - PromptLines));
                }
            }
            catch (Exception exception) when (exception is HostException || exception is NotImplementedException
                                              || exception is NotSupportedException || exception is NullReferenceException
                                              || exception is System.IO.IOException || exception is InvalidOperationException)
            {
                // Hosts without a window (remoting, hosted runspaces) fall back to the redirected size.
            }
            return (FallbackWidth, FallbackHeight);
        }

        /// <summary>$PSStyle.OutputRendering (PowerShell 7.2+); null in Windows PowerShell 5.1.</summary>
        private string? OutputRendering()
        {
            object? style = SessionState.PSVariable.GetValue("PSStyle");
            if (style == null)
            {
                return null;
            }
            return PSObject.AsPSObject(style).Properties["OutputRendering"]?.Value?.ToString();
        }

        private bool HostSupportsVirtualTerminal()
        {
            try
            {
                return Host?.UI?.SupportsVirtualTerminal ?? false;
            }
            catch (NotImplementedException)
            {
                return false;
            }
        }

        private static string FirstLine(string message)
        {
            int end = message.IndexOfAny(LineBreaks);
            return end < 0 ? message : message.Substring(0, end);
        }
    }
}
