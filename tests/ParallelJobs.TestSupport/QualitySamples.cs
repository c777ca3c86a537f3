using System;
using System.Collections.Generic;
using System.Linq;

namespace ParallelJobs.TestSupport;

/// <summary>
/// Quality distributions built by hand, shaped like Illumina reads: high at the start, falling off at the end. The
/// result types have no public setters, so the plot tests (xunit and Pester) make their inputs here.
/// </summary>
public static class QualitySamples
{
    public static QualityDistribution FromMeans(string name, IReadOnlyList<double> means, int binWidth = 1, long count = 100)
    {
        var rows = new PositionQuality[means.Count];
        for (int i = 0; i < means.Count; i++)
        {
            double mean = means[i];
            int start = i * binWidth + 1;
            rows[i] = new PositionQuality
            {
                Name = name,
                Position = start,
                EndPosition = start + binWidth - 1,
                Count = count,
                Mean = mean,
                Median = (int)Math.Round(mean),
                LowerQuartile = (int)Math.Round(mean - 4),
                UpperQuartile = (int)Math.Round(mean + 2),
                Percentile10 = (int)Math.Round(mean - 8),
                Percentile90 = (int)Math.Round(mean + 4),
                Minimum = (int)Math.Round(mean - 12),
                Maximum = (int)Math.Round(mean + 5),
            };
        }
        return new QualityDistribution
        {
            Name = name,
            Path = "/data/" + name,
            FileCount = 3,
            ReadCount = count,
            BaseCount = count * means.Count * binWidth,
            MinLength = means.Count * binWidth,
            MaxLength = means.Count * binWidth,
            MeanQuality = means.Count == 0 ? 0 : means.Average(),
            BinWidth = binWidth,
            Positions = rows,
        };
    }

    /// <summary>Good at the start, reasonable in the middle, poor at the end: all three bands are crossed.</summary>
    public static QualityDistribution Falling(string name, int length = 100, int binWidth = 1)
    {
        var means = Enumerable.Range(0, length).Select(i => 36.0 - 24.0 * i / Math.Max(1, length - 1)).ToList();
        return FromMeans(name, means, binWidth);
    }

    public static string StripAnsi(string text) => System.Text.RegularExpressions.Regex.Replace(text, "\u001b\\[[0-9;]*m", "");
}
