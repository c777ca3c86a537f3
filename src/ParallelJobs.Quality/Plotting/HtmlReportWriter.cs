using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ParallelJobs.Plotting
{
    /// <summary>
    /// One self-contained HTML page with a box plot per distribution: SVG inline, style inline, no scripts and
    /// nothing fetched from the network, so the file can be mailed or archived and still open.
    /// </summary>
    internal sealed class HtmlReportWriter
    {
        private readonly SvgBoxPlotRenderer _renderer;

        public HtmlReportWriter(SvgBoxPlotRenderer renderer)
        {
            _renderer = renderer ?? throw new ArgumentNullException(nameof(renderer));
        }

        public string Render(IReadOnlyList<QualityDistribution> distributions)
        {
            if (distributions == null || distributions.Count == 0 || distributions.Any(d => d == null))
            {
                throw new ArgumentException("At least one quality distribution is needed, and none may be null.", nameof(distributions));
            }
            var html = new StringBuilder();
            html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
            html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
            html.Append("<title>Quality per position: ").Append(MarkupText.Escape(string.Join(", ", distributions.Select(d => d.Name)))).Append("</title>\n");
            html.Append("<style>\n")
                .Append("body{font-family:\"DejaVu Sans\",Helvetica,Arial,sans-serif;margin:16px;color:#202020;background:#ffffff}\n")
                .Append("h1{font-size:20px;margin:0 0 12px}h2{font-size:16px;margin:20px 0 4px}\n")
                .Append(".summary{font-size:13px;color:#404040;margin:0 0 6px}\n")
                .Append("svg{display:block;max-width:100%;height:auto}\n")
                .Append("</style>\n</head>\n<body>\n");
            html.Append("<h1>Quality per position</h1>\n");
            foreach (var distribution in distributions)
            {
                html.Append("<section class=\"distribution\">\n<h2>").Append(MarkupText.Escape(distribution.Name)).Append("</h2>\n");
                html.Append("<p class=\"summary\">").Append(MarkupText.Escape(Summary(distribution))).Append("</p>\n");
                html.Append(_renderer.RenderElement(distribution));
                html.Append("</section>\n");
            }
            html.Append("</body>\n</html>\n");
            return html.ToString();
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
