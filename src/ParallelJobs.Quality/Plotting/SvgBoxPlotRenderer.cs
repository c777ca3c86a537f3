using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ParallelJobs.Plotting
{
    /// <summary>
    /// FastQC's "per base sequence quality" chart as SVG: for each position (or bin of positions) a box from the
    /// lower to the upper quartile, a median line, whiskers at the 10th and 90th percentiles, and the mean as a
    /// line across the boxes, over red / orange / green bands (below 20, 20 to 28, above 28).
    /// </summary>
    /// <remarks>
    /// Numbers are written with the invariant culture: a comma as decimal separator makes SVG unreadable.
    /// Text is escaped with <see cref="MarkupText"/>. The output needs no fonts, scripts or network.
    /// </remarks>
    internal sealed class SvgBoxPlotRenderer
    {
        public const string BoxFill = "#ffe34d";
        public const string BoxStroke = "#3c3c3c";
        public const string WhiskerStroke = "#3c3c3c";
        public const string MedianStroke = "#c62828";
        public const string MeanStroke = "#1f3fbf";
        public const string Background = "#ffffff";

        public const int DefaultWidth = 800;
        public const int DefaultHeight = 450;
        public const int MinimumSize = 200;

        /// <summary>Narrowest box in pixels: more positions than fit are grouped into bins.</summary>
        public const double MinimumPixelsPerBox = 6;

        private const double MarginLeft = 60;
        private const double MarginRight = 20;
        private const double MarginTop = 40;
        private const double MarginBottom = 72;

        public SvgBoxPlotRenderer(int width = DefaultWidth, int height = DefaultHeight)
        {
            if (width < MinimumSize)
            {
                throw new ArgumentOutOfRangeException(nameof(width), width, "An SVG plot needs a width of at least " + MinimumSize + " pixels.");
            }
            if (height < MinimumSize)
            {
                throw new ArgumentOutOfRangeException(nameof(height), height, "An SVG plot needs a height of at least " + MinimumSize + " pixels.");
            }
            Width = width;
            Height = height;
        }

        /// <summary>Pixel width of one plot.</summary>
        public int Width { get; }

        /// <summary>Pixel height of one plot; several plots in one SVG document are stacked.</summary>
        public int Height { get; }

        /// <summary>A standalone .svg file: one plot, or several stacked top to bottom.</summary>
        public string RenderDocument(IReadOnlyList<QualityDistribution> distributions)
        {
            if (distributions == null || distributions.Count == 0 || distributions.Any(d => d == null))
            {
                throw new ArgumentException("At least one quality distribution is needed, and none may be null.", nameof(distributions));
            }
            var svg = new StringBuilder();
            svg.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            if (distributions.Count == 1)
            {
                svg.Append(RenderElement(distributions[0]));
                return svg.ToString();
            }
            int totalHeight = Height * distributions.Count;
            svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(Width).Append("\" height=\"").Append(totalHeight)
               .Append("\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(totalHeight).Append("\">\n");
            svg.Append("<title>").Append(MarkupText.Escape(string.Join(", ", distributions.Select(d => d.Name)))).Append("</title>\n");
            for (int i = 0; i < distributions.Count; i++)
            {
                svg.Append(RenderElement(distributions[i], 0, Height * i));
            }
            svg.Append("</svg>\n");
            return svg.ToString();
        }

        /// <summary>The groups (positions or bins) this renderer would draw for a distribution.</summary>
        public IReadOnlyList<PositionGroup> GroupsFor(QualityDistribution distribution, out int span)
        {
            double plotWidth = Width - MarginLeft - MarginRight;
            int maxBoxes = Math.Max(1, (int)(plotWidth / MinimumPixelsPerBox));
            span = PositionGrouping.ChooseSpan(PositionGrouping.LastPosition(distribution.Positions), distribution.BinWidth, maxBoxes);
            return PositionGrouping.Group(distribution.Positions, span);
        }

        /// <summary>One plot as an <c>&lt;svg&gt;</c> element, for a file or inline in HTML; x and y place it inside a parent SVG.</summary>
        public string RenderElement(QualityDistribution distribution, double x = 0, double y = 0)
        {
            if (distribution == null)
            {
                throw new ArgumentNullException(nameof(distribution));
            }
            var groups = GroupsFor(distribution, out int span);
            string title = PlotTitle.Format(distribution.Name, groups);

            double plotLeft = MarginLeft;
            double plotTop = MarginTop;
            double plotWidth = Width - MarginLeft - MarginRight;
            double plotHeight = Height - MarginTop - MarginBottom;
            double plotBottom = plotTop + plotHeight;

            double highest = groups.Select(g => Math.Max(g.Mean, Math.Max(g.Percentile90, g.UpperQuartile))).DefaultIfEmpty(0).Max();
            double top = QualityAxis.Top(highest);
            var yScale = new LinearScale(QualityAxis.Bottom, top, plotBottom, plotTop);

            int first = groups.Select(g => g.Start).DefaultIfEmpty(1).Min();
            int last = Math.Max(first, PositionGrouping.LastPosition(distribution.Positions));
            var xScale = new LinearScale(first - 0.5, last + 0.5, plotLeft, plotLeft + plotWidth);
            double slotPixels = plotWidth * span / (last - first + 1.0);
            double boxWidth = Math.Max(1, Math.Min(slotPixels * 0.7, 40));

            var svg = new StringBuilder();
            svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\"");
            if (x != 0 || y != 0)
            {
                svg.Append(" x=\"").Append(F(x)).Append("\" y=\"").Append(F(y)).Append('"');
            }
            svg.Append(" width=\"").Append(Width).Append("\" height=\"").Append(Height)
               .Append("\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(Height)
               .Append("\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"")
               .Append(MarkupText.Escape(title)).Append("\">\n");
            svg.Append("<title>").Append(MarkupText.Escape(title)).Append("</title>\n");
            svg.Append("<rect x=\"0\" y=\"0\" width=\"").Append(Width).Append("\" height=\"").Append(Height).Append("\" fill=\"").Append(Background).Append("\"/>\n");

            // Bands first, so everything else is drawn over them.
            svg.Append("<g class=\"bands\" shape-rendering=\"crispEdges\">\n");
            AppendBand(svg, yScale, QualityAxis.Bottom, QualityBandScheme.PoorBelow, QualityBandScheme.PoorFill, plotLeft, plotWidth, "poor");
            AppendBand(svg, yScale, QualityBandScheme.PoorBelow, QualityBandScheme.GoodAbove, QualityBandScheme.ReasonableFill, plotLeft, plotWidth, "reasonable");
            AppendBand(svg, yScale, QualityBandScheme.GoodAbove, top, QualityBandScheme.GoodFill, plotLeft, plotWidth, "good");
            svg.Append("</g>\n");

            var yTicks = AxisTicks.Compute(QualityAxis.Bottom, top, Math.Max(2, (int)(plotHeight / 40)), 1);
            svg.Append("<g class=\"grid\" stroke=\"#000000\" stroke-opacity=\"0.12\" shape-rendering=\"crispEdges\">\n");
            foreach (double tick in yTicks)
            {
                AppendLine(svg, plotLeft, yScale.Map(tick), plotLeft + plotWidth, yScale.Map(tick), null, 1);
            }
            svg.Append("</g>\n");

            svg.Append("<g class=\"boxes\">\n");
            foreach (var group in groups)
            {
                double cx = xScale.Map(group.Center);
                double half = boxWidth / 2;
                svg.Append("<g><title>").Append(MarkupText.Escape(PositionLabel(group))).Append(": mean ").Append(F(group.Mean))
                   .Append(", median ").Append(F(group.Median)).Append(", quartiles ").Append(F(group.LowerQuartile)).Append('-').Append(F(group.UpperQuartile))
                   .Append(", 10-90% ").Append(F(group.Percentile10)).Append('-').Append(F(group.Percentile90)).Append("</title>");
                AppendLine(svg, cx, yScale.Map(group.Percentile10), cx, yScale.Map(group.Percentile90), WhiskerStroke, 1);
                AppendLine(svg, cx - half / 2, yScale.Map(group.Percentile10), cx + half / 2, yScale.Map(group.Percentile10), WhiskerStroke, 1);
                AppendLine(svg, cx - half / 2, yScale.Map(group.Percentile90), cx + half / 2, yScale.Map(group.Percentile90), WhiskerStroke, 1);
                double boxTop = yScale.Map(group.UpperQuartile);
                double boxHeight = Math.Max(1, yScale.Map(group.LowerQuartile) - boxTop);
                svg.Append("<rect x=\"").Append(F(cx - half)).Append("\" y=\"").Append(F(boxTop)).Append("\" width=\"").Append(F(boxWidth))
                   .Append("\" height=\"").Append(F(boxHeight)).Append("\" fill=\"").Append(BoxFill).Append("\" stroke=\"").Append(BoxStroke)
                   .Append("\" stroke-width=\"").Append(boxWidth >= 6 ? "1" : "0").Append("\"/>");
                AppendLine(svg, cx - half, yScale.Map(group.Median), cx + half, yScale.Map(group.Median), MedianStroke, 2);
                svg.Append("</g>\n");
            }
            svg.Append("</g>\n");

            if (groups.Count > 0)
            {
                svg.Append("<polyline class=\"mean\" fill=\"none\" stroke=\"").Append(MeanStroke).Append("\" stroke-width=\"2.5\" stroke-linejoin=\"round\" points=\"");
                svg.Append(string.Join(" ", groups.Select(g => F(xScale.Map(g.Center)) + "," + F(yScale.Map(g.Mean)))));
                svg.Append("\"/>\n");
                if (groups.Count == 1)
                {
                    svg.Append("<circle cx=\"").Append(F(xScale.Map(groups[0].Center))).Append("\" cy=\"").Append(F(yScale.Map(groups[0].Mean)))
                       .Append("\" r=\"4\" fill=\"").Append(MeanStroke).Append("\"/>\n");
                }
            }
            else
            {
                svg.Append("<text x=\"").Append(F(plotLeft + plotWidth / 2)).Append("\" y=\"").Append(F(plotTop + plotHeight / 2))
                   .Append("\" text-anchor=\"middle\" font-size=\"16\">no data</text>\n");
            }

            // Axes, ticks and labels.
            svg.Append("<g class=\"axes\" stroke=\"#000000\" shape-rendering=\"crispEdges\">\n");
            AppendLine(svg, plotLeft, plotTop, plotLeft, plotBottom, null, 1);
            AppendLine(svg, plotLeft, plotBottom, plotLeft + plotWidth, plotBottom, null, 1);
            foreach (double tick in yTicks)
            {
                AppendLine(svg, plotLeft - 5, yScale.Map(tick), plotLeft, yScale.Map(tick), null, 1);
            }
            var xTicks = AxisTicks.Compute(first, last, Math.Max(2, (int)(plotWidth / 70)), 1).Where(t => t >= first).ToList();
            foreach (double tick in xTicks)
            {
                AppendLine(svg, xScale.Map(tick), plotBottom, xScale.Map(tick), plotBottom + 5, null, 1);
            }
            svg.Append("</g>\n");
            svg.Append("<g class=\"tick-labels\" fill=\"#000000\">\n");
            foreach (double tick in yTicks)
            {
                AppendText(svg, plotLeft - 8, yScale.Map(tick) + 4, "end", FormatTick(tick));
            }
            foreach (double tick in xTicks)
            {
                AppendText(svg, xScale.Map(tick), plotBottom + 18, "middle", FormatTick(tick));
            }
            svg.Append("</g>\n");

            svg.Append("<text class=\"title\" x=\"").Append(F(Width / 2.0)).Append("\" y=\"24\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">")
               .Append(MarkupText.Escape(title)).Append("</text>\n");
            svg.Append("<text class=\"x-label\" x=\"").Append(F(plotLeft + plotWidth / 2)).Append("\" y=\"").Append(F(plotBottom + 36))
               .Append("\" text-anchor=\"middle\">").Append(MarkupText.Escape(PositionGrouping.AxisLabel(span))).Append("</text>\n");
            svg.Append("<text class=\"y-label\" transform=\"translate(16,").Append(F(plotTop + plotHeight / 2)).Append(") rotate(-90)\" text-anchor=\"middle\">Quality</text>\n");
            AppendKey(svg, plotLeft, Height - 12);
            svg.Append("</svg>\n");
            return svg.ToString();
        }

        private static void AppendKey(StringBuilder svg, double x, double y)
        {
            svg.Append("<g class=\"key\" font-size=\"11\">");
            svg.Append("<rect x=\"").Append(F(x)).Append("\" y=\"").Append(F(y - 9)).Append("\" width=\"12\" height=\"10\" fill=\"").Append(BoxFill)
               .Append("\" stroke=\"").Append(BoxStroke).Append("\"/>");
            AppendText(svg, x + 16, y, "start", "quartiles (25-75%)");
            AppendLine(svg, x + 140, y - 9, x + 140, y + 1, WhiskerStroke, 1);
            AppendText(svg, x + 146, y, "start", "10-90%");
            AppendLine(svg, x + 200, y - 4, x + 214, y - 4, MedianStroke, 2);
            AppendText(svg, x + 218, y, "start", "median");
            AppendLine(svg, x + 270, y - 4, x + 284, y - 4, MeanStroke, 2.5);
            AppendText(svg, x + 288, y, "start", "mean");
            svg.Append("</g>\n");
        }

        private static void AppendBand(StringBuilder svg, LinearScale yScale, double from, double to, string fill, double left, double width, string name)
        {
            double upper = yScale.Map(to);
            double lower = yScale.Map(from);
            svg.Append("<rect class=\"band-").Append(name).Append("\" x=\"").Append(F(left)).Append("\" y=\"").Append(F(upper))
               .Append("\" width=\"").Append(F(width)).Append("\" height=\"").Append(F(lower - upper)).Append("\" fill=\"").Append(fill).Append("\"/>\n");
        }

        private static void AppendLine(StringBuilder svg, double x1, double y1, double x2, double y2, string? stroke, double strokeWidth)
        {
            if (strokeWidth <= 0)
            {
                return;
            }
            svg.Append("<line x1=\"").Append(F(x1)).Append("\" y1=\"").Append(F(y1)).Append("\" x2=\"").Append(F(x2)).Append("\" y2=\"").Append(F(y2)).Append('"');
            if (stroke != null)
            {
                svg.Append(" stroke=\"").Append(stroke).Append('"');
            }
            if (strokeWidth != 1)
            {
                svg.Append(" stroke-width=\"").Append(F(strokeWidth)).Append('"');
            }
            svg.Append("/>");
        }

        private static void AppendText(StringBuilder svg, double x, double y, string anchor, string text)
        {
            svg.Append("<text x=\"").Append(F(x)).Append("\" y=\"").Append(F(y)).Append("\" text-anchor=\"").Append(anchor).Append("\">")
               .Append(MarkupText.Escape(text)).Append("</text>");
        }

        private static string PositionLabel(PositionGroup group) =>
            group.Start == group.End ? "position " + group.Start.ToString(CultureInfo.InvariantCulture)
                                     : "positions " + group.Start.ToString(CultureInfo.InvariantCulture) + "-" + group.End.ToString(CultureInfo.InvariantCulture);

        private static string FormatTick(double value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);

        private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
    }
}
