using ParallelJobs;
using ParallelJobs.Plotting;

namespace ParallelJobs.Quality.Tests.Plotting;

public class TerminalPlotRendererTests
{
    private static readonly TerminalPlotRenderer Renderer = new();

    [Theory]
    [InlineData(40, 10)]
    [InlineData(80, 24)]
    [InlineData(120, 40)]
    [InlineData(211, 57)]
    public void FillsExactlyTheRequestedHeightAndNeverExceedsTheWidth(int width, int height)
    {
        foreach (bool color in new[] { false, true })
        {
            var lines = Renderer.Render(QualitySamples.Falling("t1", 150), new TerminalPlotOptions { Width = width, Height = height, UseColor = color });
            Assert.Equal(height, lines.Count);
            Assert.All(lines, l => Assert.InRange(QualitySamples.StripAnsi(l).Length, 0, width));
        }
    }

    [Fact]
    public void TitleAxesAndTicksAreThere()
    {
        var distribution = QualitySamples.FromMeans("t1", new[] { 35.99, 33.0, 30.5, 27.9 });
        var lines = Renderer.Render(distribution, new TerminalPlotOptions { Width = 80, Height = 24 });
        Assert.Equal("t1 [27, 35]", lines[0].Trim());
        Assert.Equal("Quality", lines[1]);
        Assert.Contains(lines, l => l.TrimStart().StartsWith("40 +", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("0 +", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Trim() == "Position");
        Assert.Contains(lines, l => l.TrimStart().StartsWith('+') && l.Contains("-----", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Bands: <20 poor  20-28 fair  >28 good", StringComparison.Ordinal));
    }

    [Fact]
    public void MarkersFollowTheData()
    {
        // A falling line: the first point is drawn on a higher row (smaller index) than the last.
        var lines = Renderer.Render(QualitySamples.Falling("t1", 60), new TerminalPlotOptions { Width = 80, Height = 24 });
        var plotRows = lines.Skip(2).Take(24 - 6).ToList();
        int rowOfFirst = plotRows.FindIndex(l => l.Length > 5 && l[5] == '*');
        int rowOfLast = plotRows.FindLastIndex(l => l.TrimEnd().EndsWith('*'));
        Assert.True(rowOfFirst >= 0 && rowOfLast >= 0, string.Join("\n", lines));
        Assert.True(rowOfFirst < rowOfLast, string.Join("\n", lines));
    }

    [Fact]
    public void ASteepDropIsDrawnAsAnUnbrokenLine()
    {
        // Two positions at 38 then 10 in a plot wide enough that they are far apart: every row between them has a marker.
        var lines = Renderer.Render(QualitySamples.FromMeans("steep", new[] { 38.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0 }), new TerminalPlotOptions { Width = 50, Height = 30 });
        var plotRows = lines.Skip(2).Take(30 - 6).ToList();
        int top = plotRows.FindIndex(l => l.Contains('*'));
        int bottom = plotRows.FindLastIndex(l => l.Contains('*'));
        Assert.True(bottom - top >= 10, string.Join("\n", lines));
        for (int row = top; row <= bottom; row++)
        {
            Assert.Contains('*', plotRows[row]);
        }
    }

    [Fact]
    public void PlainOutputHasNoEscapeSequencesAndColourOutputOnlyAddsThem()
    {
        var distribution = QualitySamples.Falling("t1", 100);
        var plain = Renderer.Render(distribution, new TerminalPlotOptions { Width = 90, Height = 30, UseColor = false });
        var color = Renderer.Render(distribution, new TerminalPlotOptions { Width = 90, Height = 30, UseColor = true });
        Assert.DoesNotContain(plain, l => l.Contains('\u001b'));
        string all = string.Join("\n", color);
        Assert.Contains(QualityBandScheme.AnsiRed, all);
        Assert.Contains(QualityBandScheme.AnsiYellow, all);
        Assert.Contains(QualityBandScheme.AnsiGreen, all);
        Assert.Equal(plain, color.Select(QualitySamples.StripAnsi));
    }

    [Fact]
    public void LongReadsAreGroupedAndTheAxisSaysSo()
    {
        var nanopore = QualitySamples.Falling("nanopore", length: 2000, binWidth: 1000);
        var lines = Renderer.Render(nanopore, new TerminalPlotOptions { Width = 80, Height = 24 });
        Assert.Contains(lines, l => l.Trim() == "Position (bins of 50,000 bp)");
        Assert.Contains(lines, l => l.Contains("2000000", StringComparison.Ordinal) || l.Contains("1500000", StringComparison.Ordinal));
    }

    [Fact]
    public void OverlayDrawsEachSeriesWithItsOwnMarkerAndALegend()
    {
        var a = QualitySamples.FromMeans("t1", Enumerable.Repeat(35.0, 50).ToList());
        var b = QualitySamples.FromMeans("t2", Enumerable.Repeat(15.0, 50).ToList());
        var lines = Renderer.Render(new[] { a, b }, new TerminalPlotOptions { Width = 80, Height = 24 });
        Assert.Equal(24, lines.Count);
        Assert.Equal(TerminalPlotRenderer.OverlayTitle, lines[0].Trim());
        Assert.Equal("* t1 [35, 35]   o t2 [15, 15]", lines[^1]);
        var plotArea = string.Join("\n", lines.Skip(2).Take(24 - 7));
        Assert.Contains('*', plotArea);
        Assert.Contains('o', plotArea);
    }

    [Fact]
    public void ControlCharactersInNamesCannotRestyleTheTerminal()
    {
        var lines = Renderer.Render(QualitySamples.FromMeans("evil\u001b[2J\nname", new[] { 30.0 }), new TerminalPlotOptions { Width = 80, Height = 24 });
        Assert.Equal("evil?[2J?name [30, 30]", lines[0].Trim());
    }

    [Fact]
    public void AnEmptyDistributionStillDrawsAxes()
    {
        var lines = Renderer.Render(new QualityDistribution { Name = "empty" }, new TerminalPlotOptions { Width = 60, Height = 12 });
        Assert.Equal(12, lines.Count);
        Assert.Equal("empty [no data]", lines[0].Trim());
    }

    [Fact]
    public void TooSmallSizesAreRefused()
    {
        var distribution = QualitySamples.Falling("t1");
        Assert.Throws<ArgumentOutOfRangeException>(() => Renderer.Render(distribution, new TerminalPlotOptions { Width = 39, Height = 24 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Renderer.Render(distribution, new TerminalPlotOptions { Width = 80, Height = 9 }));
    }
}
