using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace ParallelJobs.Plotting
{
    /// <summary>
    /// A <see cref="BarChart"/> as SVG (the per-read quality histogram, the length distribution, N and GC content):
    /// bars over a grid, axes with ticks, a title and axis labels. Each bar carries its numbers in a tooltip
    /// (&lt;title&gt;) and in data-start, data-end and data-value attributes, so the file can be read back.
    /// </summary>
    internal sealed class SvgBarChartRenderer
    {
        public const string BarFill = "#3f6fbf";

        public SvgBarChartRenderer(int width = SvgBoxPlotRenderer.DefaultWidth, int height = SvgBoxPlotRenderer.DefaultHeight)
        {
            if (width < SvgBoxPlotRenderer.MinimumSize) throw new ArgumentOutOfRangeException(nameof(width), width, "An SVG plot needs a width of at least " + SvgBoxPlotRenderer.MinimumSize + " pixels.");
            if (height < SvgBoxPlotRenderer.MinimumSize) throw new ArgumentOutOfRangeException(nameof(height), height, "An SVG plot needs a height of at least " + SvgBoxPlotRenderer.MinimumSize + " pixels.");
            Width = width;
            Height = height;
        }

        public int Width { get; }
        public int Height { get; }

        /// <summary>A standalone .svg file: one chart, or several stacked top to bottom.</summary>
        public string RenderDocument(IReadOnlyList<BarChart> charts)
        {
            if (charts == null || charts.Count == 0 || charts.Any(c => c == null)) throw new ArgumentException("At least one chart is needed, and none may be null.", nameof(charts));
            var svg = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            if (charts.Count == 1) return svg.Append(RenderElement(charts[0])).ToString();
            int total = Height * charts.Count;
            svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(Width).Append("\" height=\"").Append(total)
               .Append("\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(total).Append("\">\n");
            svg.Append("<title>").Append(MarkupText.Escape(string.Join(", ", charts.Select(c => c.Title)))).Append("</title>\n");
            for (int i = 0; i < charts.Count; i++) svg.Append(RenderElement(charts[i], 0, Height * i));
            return svg.Append("</svg>\n").ToString();
        }

        /// <summary>One chart as an &lt;svg&gt; element, for a file or inline in HTML.</summary>
        public string RenderElement(BarChart chart, double x = 0, double y = 0)
        {
            var layout = BarChartLayout.For(chart ?? throw new ArgumentNullException(nameof(chart)), Width, Height);
            var svg = new StringBuilder();
            SvgMarkup.Open(svg, Width, Height, x, y, chart.Title);
            AppendGrid(svg, layout);
            AppendBars(svg, layout);
            AppendAxes(svg, layout);
            AppendLabels(svg, layout);
            return svg.Append("</svg>\n").ToString();
        }

        private static void AppendGrid(StringBuilder svg, BarChartLayout layout)
        {
            svg.Append("<g class=\"grid\" stroke=\"#000000\" stroke-opacity=\"0.12\" shape-rendering=\"crispEdges\">");
            foreach (double tick in layout.YTicks)
                SvgMarkup.Line(svg, layout.Left, layout.YScale.Map(tick), layout.Left + layout.PlotWidth, layout.YScale.Map(tick));
            svg.Append("</g>\n");
        }

        private static void AppendBars(StringBuilder svg, BarChartLayout layout)
        {
            svg.Append("<g class=\"bars\" fill=\"").Append(BarFill).Append("\">\n");
            if (layout.Chart.Bars.Count == 0)
                SvgMarkup.Text(svg, layout.Left + layout.PlotWidth / 2, layout.Top + layout.PlotHeight / 2, "middle", "no data", "no-data");
            foreach (var bar in layout.Chart.Bars) AppendBar(svg, layout, bar);
            svg.Append("</g>\n");
        }

        private static void AppendBar(StringBuilder svg, BarChartLayout layout, ChartBar bar)
        {
            var (x, width) = layout.BarExtent(bar);
            double top = layout.YScale.Map(bar.Value);
            svg.Append("<rect class=\"bar\" data-start=\"").Append(bar.Start).Append("\" data-end=\"").Append(bar.End)
               .Append("\" data-value=\"").Append(PlotNumber.Format(bar.Value)).Append("\" x=\"").Append(SvgMarkup.F(x)).Append("\" y=\"").Append(SvgMarkup.F(top))
               .Append("\" width=\"").Append(SvgMarkup.F(width)).Append("\" height=\"").Append(SvgMarkup.F(layout.Bottom - top)).Append("\"><title>")
               .Append(MarkupText.Escape(layout.Chart.Label(bar))).Append("</title></rect>\n");
        }

        private static void AppendAxes(StringBuilder svg, BarChartLayout layout)
        {
            double left = layout.Left, bottom = layout.Bottom;
            svg.Append("<g class=\"axes\" stroke=\"#000000\" shape-rendering=\"crispEdges\">");
            SvgMarkup.Line(svg, left, layout.Top, left, bottom);
            SvgMarkup.Line(svg, left, bottom, left + layout.PlotWidth, bottom);
            foreach (double tick in layout.YTicks) SvgMarkup.Line(svg, left - 5, layout.YScale.Map(tick), left, layout.YScale.Map(tick));
            foreach (double tick in layout.XTicks) SvgMarkup.Line(svg, layout.XScale.Map(tick), bottom, layout.XScale.Map(tick), bottom + 5);
            svg.Append("</g>\n<g class=\"tick-labels\" fill=\"#000000\">");
            foreach (double tick in layout.YTicks) SvgMarkup.Text(svg, left - 8, layout.YScale.Map(tick) + 4, "end", PlotNumber.Tick(tick));
            foreach (double tick in layout.XTicks) SvgMarkup.Text(svg, layout.XScale.Map(tick), bottom + 18, "middle", PlotNumber.Tick(tick));
            svg.Append("</g>\n");
        }

        private void AppendLabels(StringBuilder svg, BarChartLayout layout)
        {
            svg.Append("<text class=\"title\" x=\"").Append(SvgMarkup.F(Width / 2.0)).Append("\" y=\"24\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">")
               .Append(MarkupText.Escape(layout.Chart.Title)).Append("</text>\n");
            SvgMarkup.Text(svg, layout.Left + layout.PlotWidth / 2, layout.Bottom + 38, "middle", layout.Chart.XLabel, "x-label");
            svg.Append("<text class=\"y-label\" transform=\"translate(16,").Append(SvgMarkup.F(layout.Top + layout.PlotHeight / 2))
               .Append(") rotate(-90)\" text-anchor=\"middle\">").Append(MarkupText.Escape(layout.Chart.YLabel)).Append("</text>\n");
        }
    }
}
