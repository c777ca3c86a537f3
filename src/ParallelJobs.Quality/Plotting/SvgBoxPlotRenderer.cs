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
            var layout = LayOut(distribution);
            var svg = new StringBuilder();
            AppendOpening(svg, layout, x, y);
            // Bands first, so everything else is drawn over them.
            AppendBands(svg, layout);
            AppendGrid(svg, layout);
            AppendBoxes(svg, layout);
            AppendMeanLine(svg, layout);
            AppendAxes(svg, layout);
            AppendTickLabels(svg, layout);
            AppendLabels(svg, layout);
            AppendKey(svg, layout.Left, Height - 12);
            svg.Append("</svg>\n");
            return svg.ToString();
        }

        /// <summary>Where everything of one plot goes: the plot area, the scales, the groups and the ticks.</summary>
        private sealed class PlotLayout
        {
            public IReadOnlyList<PositionGroup> Groups = Array.Empty<PositionGroup>();
            public int Span;
            public string Title = "";
            public double Left, Top, Width, Height;
            public double Bottom => Top + Height;
            /// <summary>The highest score on the y axis.</summary>
            public double TopScore;
            public LinearScale XScale = null!, YScale = null!;
            public double BoxWidth;
            public IReadOnlyList<double> XTicks = Array.Empty<double>(), YTicks = Array.Empty<double>();
        }

        private PlotLayout LayOut(QualityDistribution distribution)
        {
            var layout = new PlotLayout
            {
                Left = MarginLeft,
                Top = MarginTop,
                Width = Width - MarginLeft - MarginRight,
                Height = Height - MarginTop - MarginBottom,
            };
            layout.Groups = GroupsFor(distribution, out layout.Span);
            layout.Title = PlotTitle.Format(distribution.Name, layout.Groups);

            double highest = layout.Groups.Select(g => Math.Max(g.Mean, Math.Max(g.Percentile90, g.UpperQuartile))).DefaultIfEmpty(0).Max();
            layout.TopScore = QualityAxis.Top(highest);
            layout.YScale = new LinearScale(QualityAxis.Bottom, layout.TopScore, layout.Bottom, layout.Top);
            layout.YTicks = AxisTicks.Compute(QualityAxis.Bottom, layout.TopScore, Math.Max(2, (int)(layout.Height / 40)), 1);

            int first = layout.Groups.Select(g => g.Start).DefaultIfEmpty(1).Min();
            int last = Math.Max(first, PositionGrouping.LastPosition(distribution.Positions));
            layout.XScale = new LinearScale(first - 0.5, last + 0.5, layout.Left, layout.Left + layout.Width);
            layout.XTicks = AxisTicks.Compute(first, last, Math.Max(2, (int)(layout.Width / 70)), 1).Where(t => t >= first).ToList();
            double slotPixels = layout.Width * layout.Span / (last - first + 1.0);
            layout.BoxWidth = Math.Max(1, Math.Min(slotPixels * 0.7, 40));
            return layout;
        }

        private void AppendOpening(StringBuilder svg, PlotLayout layout, double x, double y)
        {
            svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\"");
            if (x != 0 || y != 0)
            {
                svg.Append(" x=\"").Append(F(x)).Append("\" y=\"").Append(F(y)).Append('"');
            }
            svg.Append(" width=\"").Append(Width).Append("\" height=\"").Append(Height)
               .Append("\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(Height)
               .Append("\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"")
               .Append(MarkupText.Escape(layout.Title)).Append("\">\n");
            svg.Append("<title>").Append(MarkupText.Escape(layout.Title)).Append("</title>\n");
            svg.Append("<rect x=\"0\" y=\"0\" width=\"").Append(Width).Append("\" height=\"").Append(Height).Append("\" fill=\"").Append(Background).Append("\"/>\n");
        }

        private static void AppendBands(StringBuilder svg, PlotLayout layout)
        {
            svg.Append("<g class=\"bands\" shape-rendering=\"crispEdges\">\n");
            AppendBand(svg, layout, QualityAxis.Bottom, QualityBandScheme.PoorBelow, QualityBandScheme.PoorFill, "poor");
            AppendBand(svg, layout, QualityBandScheme.PoorBelow, QualityBandScheme.GoodAbove, QualityBandScheme.ReasonableFill, "reasonable");
            AppendBand(svg, layout, QualityBandScheme.GoodAbove, layout.TopScore, QualityBandScheme.GoodFill, "good");
            svg.Append("</g>\n");
        }

        private static void AppendGrid(StringBuilder svg, PlotLayout layout)
        {
            svg.Append("<g class=\"grid\" stroke=\"#000000\" stroke-opacity=\"0.12\" shape-rendering=\"crispEdges\">\n");
            foreach (double tick in layout.YTicks)
            {
                AppendLine(svg, layout.Left, layout.YScale.Map(tick), layout.Left + layout.Width, layout.YScale.Map(tick), null, 1);
            }
            svg.Append("</g>\n");
        }

        private static void AppendBoxes(StringBuilder svg, PlotLayout layout)
        {
            svg.Append("<g class=\"boxes\">\n");
            foreach (var group in layout.Groups)
            {
                AppendBox(svg, layout, group);
            }
            svg.Append("</g>\n");
        }

        /// <summary>One group: a tooltip, whiskers from the 10th to the 90th percentile, the quartile box and the median.</summary>
        private static void AppendBox(StringBuilder svg, PlotLayout layout, PositionGroup group)
        {
            var yScale = layout.YScale;
            double cx = layout.XScale.Map(group.Center);
            double half = layout.BoxWidth / 2;
            svg.Append("<g><title>").Append(MarkupText.Escape(PositionLabel(group))).Append(": mean ").Append(F(group.Mean))
               .Append(", median ").Append(F(group.Median)).Append(", quartiles ").Append(F(group.LowerQuartile)).Append('-').Append(F(group.UpperQuartile))
               .Append(", 10-90% ").Append(F(group.Percentile10)).Append('-').Append(F(group.Percentile90)).Append("</title>");
            AppendLine(svg, cx, yScale.Map(group.Percentile10), cx, yScale.Map(group.Percentile90), WhiskerStroke, 1);
            AppendLine(svg, cx - half / 2, yScale.Map(group.Percentile10), cx + half / 2, yScale.Map(group.Percentile10), WhiskerStroke, 1);
            AppendLine(svg, cx - half / 2, yScale.Map(group.Percentile90), cx + half / 2, yScale.Map(group.Percentile90), WhiskerStroke, 1);
            double boxTop = yScale.Map(group.UpperQuartile);
            double boxHeight = Math.Max(1, yScale.Map(group.LowerQuartile) - boxTop);
            svg.Append("<rect x=\"").Append(F(cx - half)).Append("\" y=\"").Append(F(boxTop)).Append("\" width=\"").Append(F(layout.BoxWidth))
               .Append("\" height=\"").Append(F(boxHeight)).Append("\" fill=\"").Append(BoxFill).Append("\" stroke=\"").Append(BoxStroke)
               .Append("\" stroke-width=\"").Append(layout.BoxWidth >= 6 ? "1" : "0").Append("\"/>");
            AppendLine(svg, cx - half, yScale.Map(group.Median), cx + half, yScale.Map(group.Median), MedianStroke, 2);
            svg.Append("</g>\n");
        }

        /// <summary>The mean across the boxes (a dot as well when there is one group), or "no data".</summary>
        private static void AppendMeanLine(StringBuilder svg, PlotLayout layout)
        {
            var groups = layout.Groups;
            if (groups.Count == 0)
            {
                svg.Append("<text x=\"").Append(F(layout.Left + layout.Width / 2)).Append("\" y=\"").Append(F(layout.Top + layout.Height / 2))
                   .Append("\" text-anchor=\"middle\" font-size=\"16\">no data</text>\n");
                return;
            }
            svg.Append("<polyline class=\"mean\" fill=\"none\" stroke=\"").Append(MeanStroke).Append("\" stroke-width=\"2.5\" stroke-linejoin=\"round\" points=\"");
            svg.Append(string.Join(" ", groups.Select(g => F(layout.XScale.Map(g.Center)) + "," + F(layout.YScale.Map(g.Mean)))));
            svg.Append("\"/>\n");
            if (groups.Count == 1)
            {
                svg.Append("<circle cx=\"").Append(F(layout.XScale.Map(groups[0].Center))).Append("\" cy=\"").Append(F(layout.YScale.Map(groups[0].Mean)))
                   .Append("\" r=\"4\" fill=\"").Append(MeanStroke).Append("\"/>\n");
            }
        }

        private static void AppendAxes(StringBuilder svg, PlotLayout layout)
        {
            double left = layout.Left, bottom = layout.Bottom;
            svg.Append("<g class=\"axes\" stroke=\"#000000\" shape-rendering=\"crispEdges\">\n");
            AppendLine(svg, left, layout.Top, left, bottom, null, 1);
            AppendLine(svg, left, bottom, left + layout.Width, bottom, null, 1);
            foreach (double tick in layout.YTicks)
            {
                AppendLine(svg, left - 5, layout.YScale.Map(tick), left, layout.YScale.Map(tick), null, 1);
            }
            foreach (double tick in layout.XTicks)
            {
                AppendLine(svg, layout.XScale.Map(tick), bottom, layout.XScale.Map(tick), bottom + 5, null, 1);
            }
            svg.Append("</g>\n");
        }

        private static void AppendTickLabels(StringBuilder svg, PlotLayout layout)
        {
            svg.Append("<g class=\"tick-labels\" fill=\"#000000\">\n");
            foreach (double tick in layout.YTicks)
            {
                AppendText(svg, layout.Left - 8, layout.YScale.Map(tick) + 4, "end", FormatTick(tick));
            }
            foreach (double tick in layout.XTicks)
            {
                AppendText(svg, layout.XScale.Map(tick), layout.Bottom + 18, "middle", FormatTick(tick));
            }
            svg.Append("</g>\n");
        }

        /// <summary>The title and the two axis labels.</summary>
        private void AppendLabels(StringBuilder svg, PlotLayout layout)
        {
            svg.Append("<text class=\"title\" x=\"").Append(F(Width / 2.0)).Append("\" y=\"24\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">")
               .Append(MarkupText.Escape(layout.Title)).Append("</text>\n");
            svg.Append("<text class=\"x-label\" x=\"").Append(F(layout.Left + layout.Width / 2)).Append("\" y=\"").Append(F(layout.Bottom + 36))
               .Append("\" text-anchor=\"middle\">").Append(MarkupText.Escape(PositionGrouping.AxisLabel(layout.Span))).Append("</text>\n");
            svg.Append("<text class=\"y-label\" transform=\"translate(16,").Append(F(layout.Top + layout.Height / 2)).Append(") rotate(-90)\" text-anchor=\"middle\">Quality</text>\n");
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

        private static void AppendBand(StringBuilder svg, PlotLayout layout, double from, double to, string fill, string name)
        {
            double upper = layout.YScale.Map(to);
            double lower = layout.YScale.Map(from);
            svg.Append("<rect class=\"band-").Append(name).Append("\" x=\"").Append(F(layout.Left)).Append("\" y=\"").Append(F(upper))
               .Append("\" width=\"").Append(F(layout.Width)).Append("\" height=\"").Append(F(lower - upper)).Append("\" fill=\"").Append(fill).Append("\"/>\n");
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
