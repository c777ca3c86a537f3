using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ParallelJobs.Plotting
{
    /// <summary>
    /// Draws mean quality per position as lines of text: a matplotlib line plot, for a terminal. ASCII only,
    /// so it reads the same in any console, code page or file; colour is optional ANSI on top.
    /// </summary>
    /// <remarks>
    /// Layout, top to bottom: title, "Quality", the plot rows (y axis with ticks; dotted lines at the band limits
    /// 20 and 28), the x axis with ticks, tick labels, the x axis label, the band key, and with several series
    /// the legend. Every line is at most <see cref="TerminalPlotOptions.Width"/> visible characters and there
    /// are exactly <see cref="TerminalPlotOptions.Height"/> lines.
    /// </remarks>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "One renderer per plot, like SvgBoxPlotRenderer; callers hold an instance.")]
    internal sealed class TerminalPlotRenderer
    {
        /// <summary>Markers of the series, in input order: distinct shapes, because colour is taken by the bands.</summary>
        public const string SeriesMarkers = "*o+x#@%&";

        public const string OverlayTitle = "Mean quality per position";

        private const char BandLimitMark = '.';

        public IReadOnlyList<string> Render(QualityDistribution distribution, TerminalPlotOptions options) =>
            Render(new[] { distribution ?? throw new ArgumentNullException(nameof(distribution)) }, options);

        /// <summary>One plot of all the distributions: one series alone is a plain line plot; several are overlaid with a legend.</summary>
        public IReadOnlyList<string> Render(IReadOnlyList<QualityDistribution> distributions, TerminalPlotOptions options)
        {
            Validate(distributions, options);
            var layout = LayOut(distributions, options);
            var canvas = Draw(layout, options.UseColor);
            var lines = new List<string>(options.Height);
            lines.Add(Center(Truncate(layout.Title, layout.Width), layout.Width));
            lines.Add("Quality");
            AppendPlotRows(lines, layout, canvas, options.UseColor);
            AppendXAxis(lines, layout);
            lines.Add(new string(' ', layout.Gutter) + Center(Truncate(PositionGrouping.AxisLabel(layout.Span), layout.PlotWidth), layout.PlotWidth));
            lines.Add(BandKey(options.UseColor));
            lines.AddRange(layout.Legend);
            return lines;
        }

        private static void Validate(IReadOnlyList<QualityDistribution> distributions, TerminalPlotOptions options)
        {
            if (distributions == null || distributions.Count == 0 || distributions.Any(d => d == null))
            {
                throw new ArgumentException("At least one quality distribution is needed, and none may be null.", nameof(distributions));
            }
            Validate(options);
        }

        /// <summary>The size limits every terminal plot shares.</summary>
        internal static void Validate(TerminalPlotOptions options)
        {
            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }
            if (options.Width < TerminalPlotOptions.MinimumWidth)
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.Width, "A terminal plot needs at least " + TerminalPlotOptions.MinimumWidth + " columns.");
            }
            if (options.Height < TerminalPlotOptions.MinimumHeight)
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.Height, "A terminal plot needs at least " + TerminalPlotOptions.MinimumHeight + " lines.");
            }
        }

        /// <summary>
        /// Where everything goes, in characters: the y labels' gutter, the plot's rows and columns, the grouped
        /// series, the scales and the legend.
        /// </summary>
        private sealed class PlotLayout
        {
            public int Width;
            public string Title = "";
            /// <summary>The highest score on the y axis.</summary>
            public double TopScore;
            public int LabelWidth;
            /// <summary>Columns left of the plot: the y labels, a space and the axis.</summary>
            public int Gutter;
            public int PlotWidth;
            public int PlotRows;
            public int Span;
            public int FirstPosition, LastPosition;
            public List<IReadOnlyList<PositionGroup>> Series = new List<IReadOnlyList<PositionGroup>>();
            public List<string> Legend = new List<string>();
            public LinearScale XScale = null!, YScale = null!;
        }

        private static PlotLayout LayOut(IReadOnlyList<QualityDistribution> distributions, TerminalPlotOptions options)
        {
            var layout = new PlotLayout { Width = options.Width };
            bool overlay = distributions.Count > 1;
            layout.LastPosition = distributions.Max(d => PositionGrouping.LastPosition(d.Positions));
            int binWidth = distributions.Max(d => Math.Max(1, d.BinWidth));
            // A group's mean never exceeds the highest row mean, so the axis can be fixed before grouping.
            double highest = distributions.SelectMany(d => d.Positions).Where(p => p != null && !double.IsNaN(p.Mean))
                .Select(p => p.Mean).DefaultIfEmpty(0).Max();
            layout.TopScore = QualityAxis.Top(highest);

            layout.LabelWidth = FormatNumber(layout.TopScore).Length;
            layout.Gutter = layout.LabelWidth + 2;
            layout.PlotWidth = layout.Width - layout.Gutter - 1;
            layout.Span = PositionGrouping.ChooseSpan(layout.LastPosition, binWidth, layout.PlotWidth);
            layout.Series = distributions.Select(d => PositionGrouping.Group(d.Positions, layout.Span)).ToList();
            layout.Title = overlay ? OverlayTitle : PlotTitle.Format(Printable(distributions[0].Name), layout.Series[0]);

            if (overlay) layout.Legend = LegendLines(distributions, layout.Series, layout.Width);
            layout.PlotRows = options.Height - 6 - layout.Legend.Count;
            if (layout.PlotRows < 3)
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.Height,
                    "The legend of " + distributions.Count + " series needs " + layout.Legend.Count + " lines; the plot needs a height of at least " + (9 + layout.Legend.Count) + ".");
            }

            layout.YScale = new LinearScale(QualityAxis.Bottom, layout.TopScore, layout.PlotRows - 1, 0);
            layout.FirstPosition = layout.Series.SelectMany(s => s).Select(g => g.Start).DefaultIfEmpty(1).Min();
            layout.XScale = new LinearScale(layout.FirstPosition, Math.Max(layout.FirstPosition, layout.LastPosition), 0, layout.PlotWidth - 1);
            return layout;
        }

        /// <summary>The plot area's characters and their colours (null: none).</summary>
        private sealed class Canvas
        {
            public Canvas(int rows, int columns)
            {
                Cells = new char[rows][];
                Colors = new string?[rows][];
                for (int r = 0; r < rows; r++)
                {
                    Cells[r] = Enumerable.Repeat(' ', columns).ToArray();
                    Colors[r] = new string?[columns];
                }
            }

            public char[][] Cells { get; }
            public string?[][] Colors { get; }
        }

        /// <summary>The band limits as dotted rows, then each series with its marker.</summary>
        private static Canvas Draw(PlotLayout layout, bool useColor)
        {
            var canvas = new Canvas(layout.PlotRows, layout.PlotWidth);
            foreach (double limit in new[] { QualityBandScheme.PoorBelow, QualityBandScheme.GoodAbove })
            {
                int row = RowOf(layout.YScale, limit, layout.PlotRows);
                for (int c = 0; c < layout.PlotWidth; c += 2)
                {
                    canvas.Cells[row][c] = BandLimitMark;
                }
            }
            for (int s = 0; s < layout.Series.Count; s++)
            {
                DrawSeries(layout.Series[s], SeriesMarkers[s % SeriesMarkers.Length], layout.XScale, layout.YScale, canvas.Cells, canvas.Colors, useColor);
            }
            return canvas;
        }

        /// <summary>Each plot row: its y label where a tick falls, the axis coloured as the row's band, the cells.</summary>
        private static void AppendPlotRows(List<string> lines, PlotLayout layout, Canvas canvas, bool useColor)
        {
            var yTicks = YTickRows(layout.YScale, layout.TopScore, layout.PlotRows);
            for (int r = 0; r < layout.PlotRows; r++)
            {
                var line = new StringBuilder(layout.Width + 32);
                line.Append((yTicks.TryGetValue(r, out string? label) ? label : "").PadLeft(layout.LabelWidth)).Append(' ');
                QualityBand rowBand = QualityBandScheme.Classify(layout.YScale.Invert(r));
                AppendColored(line, yTicks.ContainsKey(r) ? '+' : '|', useColor ? QualityBandScheme.AnsiColor(rowBand) : null);
                AppendCells(line, canvas.Cells[r], canvas.Colors[r]);
                lines.Add(line.ToString());
            }
        }

        /// <summary>The x axis with a '+' at each tick, and under it the tick labels that do not overlap the one before.</summary>
        private static void AppendXAxis(List<string> lines, PlotLayout layout)
        {
            int first = layout.FirstPosition;
            int gutter = layout.Gutter;
            var xTicks = AxisTicks.Compute(first, Math.Max(first, layout.LastPosition), Math.Max(2, layout.PlotWidth / 10), 1)
                .Where(t => t >= first).ToList();
            var axis = new StringBuilder(new string(' ', gutter - 1) + "+" + new string('-', layout.PlotWidth));
            var tickLabels = new StringBuilder(new string(' ', layout.Width));
            int previousEnd = -1;
            foreach (double tick in xTicks)
            {
                int column = (int)Math.Round(layout.XScale.Map(tick));
                axis[gutter + column] = '+';
                string text = FormatNumber(tick);
                int start = gutter + column - text.Length / 2;
                start = Math.Max(gutter - 1, Math.Min(start, layout.Width - text.Length));
                if (start <= previousEnd + 1)
                {
                    continue;
                }
                for (int i = 0; i < text.Length; i++)
                {
                    tickLabels[start + i] = text[i];
                }
                previousEnd = start + text.Length - 1;
            }
            lines.Add(axis.ToString());
            lines.Add(tickLabels.ToString().TrimEnd());
        }

        private static void DrawSeries(IReadOnlyList<PositionGroup> groups, char marker, LinearScale xScale, LinearScale yScale,
            char[][] cells, string?[][] colors, bool useColor)
        {
            var points = groups.Select(g => (Column: (int)Math.Round(xScale.Map(g.Center)), Value: g.Mean)).OrderBy(p => p.Column).ToList();
            int plotRows = cells.Length;
            void Put(int column, double value)
            {
                int row = RowOf(yScale, value, plotRows);
                cells[row][column] = marker;
                colors[row][column] = useColor ? QualityBandScheme.AnsiColor(QualityBandScheme.Classify(value)) : null;
            }

            if (points.Count == 1)
            {
                Put(points[0].Column, points[0].Value);
            }
            // Fill every column between neighbouring points by linear interpolation, so it reads as a line.
            for (int i = 0; i + 1 < points.Count; i++)
            {
                var (c0, v0) = points[i];
                var (c1, v1) = points[i + 1];
                double ValueAt(int c) => c1 == c0 ? v1 : v0 + (v1 - v0) * (c - c0) / (c1 - c0);
                for (int c = c0; c <= c1; c++)
                {
                    Put(c, ValueAt(c));
                    if (c < c1)
                    {
                        BridgeSteepStep(c, ValueAt(c), ValueAt(c + 1));
                    }
                }
            }

            // A drop of several rows between two columns would leave the line broken: fill the rows between,
            // the upper half in the left column and the lower half in the right one, as a staircase.
            void BridgeSteepStep(int column, double from, double to)
            {
                int r0 = RowOf(yScale, from, plotRows);
                int r1 = RowOf(yScale, to, plotRows);
                int step = Math.Sign(r1 - r0);
                for (int row = r0 + step; row != r1 && step != 0; row += step)
                {
                    int c = Math.Abs(row - r0) <= Math.Abs(r1 - r0) / 2 ? column : column + 1;
                    double value = yScale.Invert(row);
                    cells[row][c] = marker;
                    colors[row][c] = useColor ? QualityBandScheme.AnsiColor(QualityBandScheme.Classify(value)) : null;
                }
            }
        }

        private static int RowOf(LinearScale yScale, double value, int plotRows)
        {
            int row = (int)Math.Round(yScale.Map(value));
            return Math.Max(0, Math.Min(plotRows - 1, row));
        }

        private static Dictionary<int, string> YTickRows(LinearScale yScale, double top, int plotRows)
        {
            var rows = new Dictionary<int, string>();
            foreach (double tick in AxisTicks.Compute(QualityAxis.Bottom, top, Math.Max(2, plotRows / 2 + 1), 1))
            {
                int row = RowOf(yScale, tick, plotRows);
                if (!rows.ContainsKey(row))
                {
                    rows[row] = FormatNumber(tick);
                }
            }
            return rows;
        }

        private static List<string> LegendLines(IReadOnlyList<QualityDistribution> distributions, List<IReadOnlyList<PositionGroup>> series, int width)
        {
            var lines = new List<string>();
            var current = new StringBuilder();
            for (int s = 0; s < distributions.Count; s++)
            {
                string entry = Truncate(SeriesMarkers[s % SeriesMarkers.Length] + " " + PlotTitle.Format(Printable(distributions[s].Name), series[s]), width);
                if (current.Length > 0 && current.Length + 3 + entry.Length > width)
                {
                    lines.Add(current.ToString());
                    current.Clear();
                }
                if (current.Length > 0)
                {
                    current.Append("   ");
                }
                current.Append(entry);
            }
            lines.Add(current.ToString());
            return lines;
        }

        private static string BandKey(bool useColor)
        {
            var key = new StringBuilder("Bands: ");
            AppendColored(key, "<20 poor", useColor ? QualityBandScheme.AnsiRed : null);
            key.Append("  ");
            AppendColored(key, "20-28 fair", useColor ? QualityBandScheme.AnsiYellow : null);
            key.Append("  ");
            AppendColored(key, ">28 good", useColor ? QualityBandScheme.AnsiGreen : null);
            return key.ToString();
        }

        private static void AppendCells(StringBuilder line, char[] cells, string?[] colors)
        {
            int last = cells.Length - 1;
            while (last >= 0 && cells[last] == ' ')
            {
                last--;
            }
            string? current = null;
            for (int c = 0; c <= last; c++)
            {
                string? color = colors[c];
                if (color != current)
                {
                    if (current != null)
                    {
                        line.Append(QualityBandScheme.AnsiReset);
                    }
                    if (color != null)
                    {
                        line.Append(color);
                    }
                    current = color;
                }
                line.Append(cells[c]);
            }
            if (current != null)
            {
                line.Append(QualityBandScheme.AnsiReset);
            }
        }

        private static void AppendColored(StringBuilder line, char text, string? color) => AppendColored(line, text.ToString(), color);

        private static void AppendColored(StringBuilder line, string text, string? color)
        {
            if (color == null)
            {
                line.Append(text);
                return;
            }
            line.Append(color).Append(text).Append(QualityBandScheme.AnsiReset);
        }

        private static string FormatNumber(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

        private static string Printable(string? name) => TerminalText.Printable(name);

        private static string Truncate(string text, int width) => TerminalText.Truncate(text, width);

        private static string Center(string text, int width) => TerminalText.Center(text, width);
    }
}
