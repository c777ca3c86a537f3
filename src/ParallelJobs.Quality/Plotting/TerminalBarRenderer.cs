using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace ParallelJobs.Plotting
{
    /// <summary>
    /// A <see cref="BarChart"/> of counts (reads per mean quality, reads per length) as lines of ASCII text, for a
    /// terminal: title, y label, the plot rows with a y axis, the x axis, its tick labels and the x label; exactly
    /// <see cref="TerminalPlotOptions.Height"/> lines of at most <see cref="TerminalPlotOptions.Width"/> characters.
    /// More bars than columns are added up in runs of neighbours (the values are counts).
    /// </summary>
    internal static class TerminalBarRenderer
    {
        public const char BarMark = '#';
        /// <summary>A bar too low for one row that is not zero.</summary>
        public const char LowMark = '.';

        /// <summary>What an empty chart (no reads) shows in its middle row, as the SVG does.</summary>
        public const string NoData = "no data";

        /// <summary>Lines that are not plot rows: title, y label, x axis, tick labels, x label.</summary>
        private const int FixedLines = 5;

        /// <summary>The widest a single bar is drawn, in columns.</summary>
        private const int WidestBar = 6;

        public static IReadOnlyList<string> Render(BarChart chart, TerminalPlotOptions options)
        {
            if (chart == null) throw new ArgumentNullException(nameof(chart));
            TerminalPlotRenderer.Validate(options);
            var layout = Layout.For(chart, options);
            var lines = new List<string>(options.Height)
            {
                TerminalText.Center(TerminalText.Truncate(TerminalText.Printable(chart.Title), options.Width), options.Width),
                chart.YLabel,
            };
            AppendRows(lines, layout);
            AppendXAxis(lines, layout);
            lines.Add(new string(' ', layout.Gutter) + TerminalText.Center(TerminalText.Truncate(chart.XLabel, layout.PlotWidth), layout.PlotWidth));
            return lines;
        }

        /// <summary>A run of neighbouring bars drawn as one column group: its first and last whole number, summed value, columns.</summary>
        private sealed class Column
        {
            public int Start, End, FirstColumn, Width;
            public double Value;
        }

        /// <summary>Where everything goes, in characters.</summary>
        private sealed class Layout
        {
            public int Width, Gutter, LabelWidth, PlotWidth, Rows;
            public double TopValue;
            public List<Column> Columns = new List<Column>();
            public IReadOnlyList<double> YTicks = Array.Empty<double>();

            public static Layout For(BarChart chart, TerminalPlotOptions options)
            {
                var layout = new Layout { Width = options.Width, Rows = options.Height - FixedLines, LabelWidth = 1 };
                // The y labels' width decides the columns left for bars, and the bars added up per column decide the
                // labels: settle them in turn (the width only grows, and is at most the total's width).
                for (int pass = 0; pass < 4; pass++)
                {
                    layout.Gutter = layout.LabelWidth + 2;
                    layout.PlotWidth = layout.Width - layout.Gutter;
                    layout.Columns = Group(chart.Bars, layout.PlotWidth);
                    layout.ScaleY();
                    int labelWidth = layout.YTicks.Max(t => PlotNumber.Tick(t).Length);
                    if (labelWidth <= layout.LabelWidth) break;
                    layout.LabelWidth = labelWidth;
                }
                return layout;
            }

            private void ScaleY()
            {
                double highest = Columns.Select(c => c.Value).DefaultIfEmpty(0).Max();
                int tickCount = Math.Max(2, Rows / 2 + 1);
                double step = AxisTicks.NiceStep(Math.Max(highest, 1e-9) / (tickCount - 1));
                TopValue = highest > 0 ? Math.Ceiling(highest / step - 1e-9) * step : 1;
                YTicks = AxisTicks.Compute(0, TopValue, tickCount);
            }

            /// <summary>Runs of ceil(bars / columns) neighbours, each as wide as the plot allows (up to <see cref="WidestBar"/>).</summary>
            private static List<Column> Group(IReadOnlyList<ChartBar> bars, int plotWidth)
            {
                int perGroup = Math.Max(1, (bars.Count + plotWidth - 1) / plotWidth);
                int groups = (bars.Count + perGroup - 1) / perGroup;
                int width = groups == 0 ? 1 : Math.Max(1, Math.Min(WidestBar, plotWidth / groups));
                var columns = new List<Column>(groups);
                for (int g = 0; g < groups; g++)
                {
                    var run = bars.Skip(g * perGroup).Take(perGroup).ToList();
                    columns.Add(new Column { Start = run[0].Start, End = run[run.Count - 1].End, Value = run.Sum(b => b.Value), FirstColumn = g * width, Width = width });
                }
                return columns;
            }

            /// <summary>Rows filled by a value, from the bottom: rounded, and at least a <see cref="LowMark"/> when not zero.</summary>
            public double Height(double value) => value / TopValue * Rows;
        }

        private static void AppendRows(List<string> lines, Layout layout)
        {
            var tickRows = new Dictionary<int, string>();
            foreach (double tick in layout.YTicks)
            {
                int row = layout.Rows - 1 - (int)Math.Round(tick / layout.TopValue * (layout.Rows - 1));
                if (!tickRows.ContainsKey(row)) tickRows[row] = PlotNumber.Tick(tick);
            }
            for (int r = 0; r < layout.Rows; r++)
            {
                var line = new StringBuilder(layout.Width);
                line.Append((tickRows.TryGetValue(r, out string? label) ? label : "").PadLeft(layout.LabelWidth)).Append(' ');
                line.Append(tickRows.ContainsKey(r) ? '+' : '|');
                foreach (var column in layout.Columns) AppendCells(line, layout, column, layout.Rows - r);
                if (layout.Columns.Count == 0 && r == layout.Rows / 2) line.Append(TerminalText.Center(NoData, layout.PlotWidth));
                lines.Add(line.ToString().TrimEnd());
            }
        }

        /// <summary>One column group's cells in the row <paramref name="fromBottom"/> (1 = lowest); a gap on the right when wide enough.</summary>
        private static void AppendCells(StringBuilder line, Layout layout, Column column, int fromBottom)
        {
            double height = layout.Height(column.Value);
            int filled = (int)Math.Round(height);
            char mark = fromBottom <= filled ? BarMark : fromBottom == 1 && column.Value > 0 ? LowMark : ' ';
            int drawn = column.Width >= 3 ? column.Width - 1 : column.Width;
            line.Append(mark, drawn).Append(' ', column.Width - drawn);
        }

        private static void AppendXAxis(List<string> lines, Layout layout)
        {
            int used = layout.Columns.Sum(c => c.Width);
            var axis = new StringBuilder(new string(' ', layout.Gutter - 1) + "+" + new string('-', Math.Max(used, 1)));
            var labels = new StringBuilder(new string(' ', layout.Width));
            int previousEnd = -1;
            foreach (var column in TickColumns(layout))
            {
                int center = layout.Gutter + column.FirstColumn + Math.Max(0, (column.Width - 1) / 2);
                string text = PlotNumber.Tick(column.Start);
                int start = Math.Max(0, Math.Min(center - text.Length / 2, layout.Width - text.Length));
                if (start <= previousEnd + 1 || center >= axis.Length) continue;
                axis[center] = '+';
                for (int i = 0; i < text.Length; i++) labels[start + i] = text[i];
                previousEnd = start + text.Length - 1;
            }
            lines.Add(axis.ToString());
            lines.Add(labels.ToString().TrimEnd());
        }

        /// <summary>The column groups that start at a round number (about one per 8 characters), or the first and last.</summary>
        private static IEnumerable<Column> TickColumns(Layout layout)
        {
            if (layout.Columns.Count == 0) return Array.Empty<Column>();
            int first = layout.Columns[0].Start, last = layout.Columns[layout.Columns.Count - 1].End;
            var ticks = AxisTicks.Compute(first, last, Math.Max(2, layout.Columns.Sum(c => c.Width) / 8), 1);
            var chosen = ticks.Select(t => layout.Columns.FirstOrDefault(c => c.Start <= t && t <= c.End)).Where(c => c != null).Distinct().ToList();
            return chosen.Count > 0 ? chosen! : new[] { layout.Columns[0] };
        }
    }
}
