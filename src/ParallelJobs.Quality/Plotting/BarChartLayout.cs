using System;
using System.Collections.Generic;
using System.Linq;

namespace ParallelJobs.Plotting
{
    /// <summary>
    /// Where a bar chart's parts go in pixels: the plot area inside the margins, the x scale over the bars' whole
    /// numbers (each bar from Start − ½ to End + ½), the y scale from 0 to a round value above the highest bar, and
    /// the ticks. Computed apart from drawing, so the renderer only writes what this decides.
    /// </summary>
    internal sealed class BarChartLayout
    {
        public const double MarginLeft = 72, MarginRight = 20, MarginTop = 40, MarginBottom = 56;

        private BarChartLayout(BarChart chart, int width, int height)
        {
            Chart = chart;
            Width = width;
            Height = height;
            Left = MarginLeft;
            Top = MarginTop;
            PlotWidth = width - MarginLeft - MarginRight;
            PlotHeight = height - MarginTop - MarginBottom;
        }

        public BarChart Chart { get; }
        public int Width { get; }
        public int Height { get; }
        public double Left { get; }
        public double Top { get; }
        public double PlotWidth { get; }
        public double PlotHeight { get; }
        public double Bottom => Top + PlotHeight;
        public double TopValue { get; private set; }
        public LinearScale XScale { get; private set; } = null!;
        public LinearScale YScale { get; private set; } = null!;
        public IReadOnlyList<double> XTicks { get; private set; } = Array.Empty<double>();
        public IReadOnlyList<double> YTicks { get; private set; } = Array.Empty<double>();

        public static BarChartLayout For(BarChart chart, int width, int height)
        {
            if (chart == null) throw new ArgumentNullException(nameof(chart));
            var layout = new BarChartLayout(chart, width, height);
            layout.ScaleY();
            layout.ScaleX();
            return layout;
        }

        private void ScaleY()
        {
            double highest = Chart.Bars.Select(b => b.Value).DefaultIfEmpty(0).Max();
            int count = Math.Max(2, (int)(PlotHeight / 40));
            // A round top: the last tick at or above the highest bar.
            double step = AxisTicks.NiceStep(Math.Max(highest, 1e-9) / (count - 1));
            TopValue = highest > 0 ? Math.Ceiling(highest / step - 1e-9) * step : 1;
            YScale = new LinearScale(0, TopValue, Bottom, Top);
            YTicks = AxisTicks.Compute(0, TopValue, count);
        }

        private void ScaleX()
        {
            int first = Chart.Bars.Count == 0 ? 0 : Chart.Bars[0].Start;
            int last = Chart.Bars.Count == 0 ? 1 : Chart.Bars[Chart.Bars.Count - 1].End;
            XScale = new LinearScale(first - 0.5, last + 0.5, Left, Left + PlotWidth);
            XTicks = AxisTicks.Compute(first, last, Math.Max(2, (int)(PlotWidth / 70)), 1).Where(t => t >= first && t <= last).ToList();
        }

        /// <summary>A bar's left edge and width in pixels: its whole numbers, less a gap of 15% when that leaves at least 2 pixels.</summary>
        public (double X, double Width) BarExtent(ChartBar bar)
        {
            double left = XScale.Map(bar.Start - 0.5), right = XScale.Map(bar.End + 0.5);
            double width = right - left;
            double gap = width * 0.15 >= 1 && width * 0.85 >= 2 ? width * 0.15 : 0;
            return (left + gap / 2, Math.Max(0.5, width - gap));
        }
    }
}
