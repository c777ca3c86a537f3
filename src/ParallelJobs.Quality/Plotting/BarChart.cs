using System;
using System.Collections.Generic;

namespace ParallelJobs.Plotting
{
    /// <summary>One bar: the whole numbers Start..End on the x axis (a quality, a length or a bin of them) and its value.</summary>
    internal readonly struct ChartBar
    {
        public ChartBar(int start, int end, double value)
        {
            Start = start;
            End = Math.Max(start, end);
            Value = value;
        }

        public int Start { get; }
        public int End { get; }
        public double Value { get; }
    }

    /// <summary>
    /// What a bar chart shows, independent of how it is drawn: a title, axis labels, what the x values are
    /// ("length 150"), the unit of the values ("reads", "%") and the bars in x order.
    /// </summary>
    internal sealed class BarChart
    {
        public BarChart(string title, string xLabel, string yLabel, string xName, string unit, IReadOnlyList<ChartBar> bars)
        {
            Title = title ?? "";
            XLabel = xLabel;
            YLabel = yLabel;
            XName = xName;
            Unit = unit;
            Bars = bars ?? Array.Empty<ChartBar>();
        }

        public string Title { get; }
        public string XLabel { get; }
        public string YLabel { get; }
        /// <summary>What one x value is called in a bar's label, e.g. "mean quality" or "length".</summary>
        public string XName { get; }
        /// <summary>What the values count, e.g. "reads" or "% N".</summary>
        public string Unit { get; }
        public IReadOnlyList<ChartBar> Bars { get; }

        /// <summary>A bar's text: "length 150: 1234 reads", "positions 10-14: 0.5 % N".</summary>
        public string Label(ChartBar bar) =>
            XName + " " + PlotNumber.Format(bar.Start) + (bar.End != bar.Start ? "-" + PlotNumber.Format(bar.End) : "")
            + ": " + PlotNumber.Format(bar.Value) + " " + Unit;
    }
}
