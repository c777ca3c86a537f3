using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using ParallelJobs.Reports;

namespace ParallelJobs.Plotting
{
    /// <summary>
    /// One self-contained HTML page, FastQC's report for several samples side by side: one column per distribution,
    /// one row per module (quality per position, quality per read, GC per read, N per position, read lengths), each
    /// plot with its pass / warn / fail as Export-QualityReport -Format FastQC judges it. SVG and style inline, no
    /// scripts and nothing fetched from the network, so the file can be mailed or archived and still open.
    /// </summary>
    internal sealed class HtmlReportWriter
    {
        /// <summary>Narrowest a sample's column is drawn, in CSS pixels: more samples scroll sideways.</summary>
        public const int MinimumColumnWidth = 420;

        private readonly SvgBoxPlotRenderer _boxes;
        private readonly SvgBarChartRenderer _bars;

        public HtmlReportWriter(SvgBoxPlotRenderer boxes, SvgBarChartRenderer? bars = null)
        {
            _boxes = boxes ?? throw new ArgumentNullException(nameof(boxes));
            _bars = bars ?? new SvgBarChartRenderer(boxes.Width, boxes.Height);
        }

        /// <summary>A module row: its name (FastQC's), which kind of plot -Kind selects it, and how one sample's plot is drawn.</summary>
        private sealed class Module
        {
            public Module(string name, QualityPlotKind kind, bool perRead, Func<QualityDistribution, string> draw)
            {
                Name = name;
                Kind = kind;
                PerRead = perRead;
                Draw = draw;
            }

            public string Name { get; }
            public QualityPlotKind Kind { get; }
            public bool PerRead { get; }
            public Func<QualityDistribution, string> Draw { get; }
        }

        private List<Module> Modules() => new List<Module>
        {
            new Module(FastQcReport.PerBaseQualityModule, QualityPlotKind.PerBase, false, d => _boxes.RenderElement(d)),
            new Module(FastQcReport.PerSequenceQualityModule, QualityPlotKind.PerReadQuality, true, d => _bars.RenderElement(ModuleCharts.PerReadQuality(d))),
            new Module(FastQcReport.PerSequenceGcModule, QualityPlotKind.PerBase, true, d => _bars.RenderElement(ModuleCharts.GcContent(d))),
            new Module(FastQcReport.PerBaseNModule, QualityPlotKind.PerBase, true, d => _bars.RenderElement(ModuleCharts.NContent(d))),
            new Module(FastQcReport.LengthModule, QualityPlotKind.Length, true, d => _bars.RenderElement(ModuleCharts.Length(d))),
        };

        /// <summary>
        /// The page. <paramref name="only"/>: just that kind's module; null: every module (the per-read ones say
        /// what is missing for a distribution counted without -PerRead).
        /// </summary>
        public string Render(IReadOnlyList<QualityDistribution> distributions, QualityPlotKind? only = null)
        {
            if (distributions == null || distributions.Count == 0 || distributions.Any(d => d == null))
            {
                throw new ArgumentException("At least one quality distribution is needed, and none may be null.", nameof(distributions));
            }
            var modules = Modules().Where(m => only == null || (m.Kind == only && (only != QualityPlotKind.PerBase || !m.PerRead))).ToList();
            var statuses = distributions.Select(StatusesOf).ToList();
            var html = new StringBuilder();
            AppendHead(html, distributions);
            html.Append("<table class=\"samples\" style=\"min-width:").Append(distributions.Count * MinimumColumnWidth).Append("px\">\n");
            AppendSampleHeader(html, distributions);
            html.Append("<tbody>\n");
            foreach (var module in modules) AppendModule(html, module, distributions, statuses);
            html.Append("</tbody>\n</table>\n</body>\n</html>\n");
            return html.ToString();
        }

        private static Dictionary<string, string> StatusesOf(QualityDistribution distribution) =>
            FastQcReport.Statuses(distribution).ToDictionary(s => s.Module, s => s.Status, StringComparer.Ordinal);

        private static void AppendHead(StringBuilder html, IReadOnlyList<QualityDistribution> distributions)
        {
            html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
            html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
            html.Append("<title>Quality report: ").Append(MarkupText.Escape(string.Join(", ", distributions.Select(d => d.Name)))).Append("</title>\n");
            html.Append("<style>\n")
                .Append("body{font-family:\"DejaVu Sans\",Helvetica,Arial,sans-serif;margin:16px;color:#202020;background:#ffffff}\n")
                .Append("h1{font-size:20px;margin:0 0 12px}h2{font-size:16px;margin:0 0 4px}\n")
                .Append("table.samples{border-collapse:collapse;table-layout:fixed;width:100%}\n")
                .Append("th,td{vertical-align:top;text-align:left;padding:4px 8px}\n")
                .Append("th.module{font-size:15px;background:#eef1f6;border-top:1px solid #c8cfdc}\n")
                .Append(".summary{font-size:13px;font-weight:normal;color:#404040;margin:0 0 6px}\n")
                .Append(".status{display:inline-block;font-size:12px;font-weight:bold;color:#ffffff;border-radius:3px;padding:1px 6px;margin:2px 0}\n")
                .Append(".status-pass{background:#2e7d32}.status-warn{background:#ef6c00}.status-fail{background:#c62828}\n")
                .Append(".missing{font-size:13px;color:#606060}\n")
                .Append("svg{display:block;width:100%;height:auto}\n")
                .Append("</style>\n</head>\n<body>\n<h1>Quality report</h1>\n");
        }

        private static void AppendSampleHeader(StringBuilder html, IReadOnlyList<QualityDistribution> distributions)
        {
            html.Append("<thead><tr>\n");
            foreach (var distribution in distributions)
            {
                html.Append("<th class=\"sample\" scope=\"col\"><h2>").Append(MarkupText.Escape(distribution.Name)).Append("</h2>")
                    .Append("<p class=\"summary\">").Append(MarkupText.Escape(Summary(distribution))).Append("</p></th>\n");
            }
            html.Append("</tr></thead>\n");
        }

        private static void AppendModule(StringBuilder html, Module module, IReadOnlyList<QualityDistribution> distributions, List<Dictionary<string, string>> statuses)
        {
            html.Append("<tr><th class=\"module\" colspan=\"").Append(distributions.Count).Append("\" scope=\"colgroup\">")
                .Append(MarkupText.Escape(module.Name)).Append("</th></tr>\n<tr>\n");
            for (int i = 0; i < distributions.Count; i++)
            {
                html.Append("<td>");
                if (statuses[i].TryGetValue(module.Name, out string? status))
                {
                    html.Append("<span class=\"status status-").Append(status).Append("\">").Append(status).Append("</span>\n");
                }
                if (module.PerRead && distributions[i].Reads == null)
                {
                    html.Append("<p class=\"missing\">No per-read metrics: count it with Get-QualityDistribution -PerRead.</p>");
                }
                else
                {
                    html.Append(module.Draw(distributions[i]));
                }
                html.Append("</td>\n");
            }
            html.Append("</tr>\n");
        }

        private static string Summary(QualityDistribution distribution)
        {
            var parts = new List<string>
            {
                Count(distribution.ReadCount, "read", "reads"),
                Count(distribution.BaseCount, "base", "bases"),
                Count(distribution.FileCount, "file", "files"),
            };
            if (distribution.FailedFileCount > 0)
            {
                parts.Add(Count(distribution.FailedFileCount, "file failed", "files failed"));
            }
            if (distribution.MaxLength > 0)
            {
                parts.Add("length " + N(distribution.MinLength) + "-" + N(distribution.MaxLength));
            }
            parts.Add("mean quality " + distribution.MeanQuality.ToString("0.00", CultureInfo.InvariantCulture));
            if (distribution.Reads != null)
            {
                parts.Add(N(distribution.Reads.GcPercent) + "% GC");
                parts.Add("N50 " + N(distribution.Reads.N50));
            }
            if (distribution.BinWidth > 1)
            {
                parts.Add("positions in bins of " + N(distribution.BinWidth) + " bp");
            }
            if (!string.IsNullOrEmpty(distribution.Path))
            {
                parts.Add(distribution.Path);
            }
            return string.Join(" \u00b7 ", parts);
        }

        private static string Count(long value, string one, string many) => N(value) + " " + (value == 1 ? one : many);

        private static string N(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);
    }
}
