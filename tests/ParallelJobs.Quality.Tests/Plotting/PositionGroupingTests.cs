using ParallelJobs;
using ParallelJobs.Plotting;

namespace ParallelJobs.Quality.Tests.Plotting;

public class PositionGroupingTests
{
    [Theory]
    [InlineData(100, 1, 100, 1)]
    [InlineData(150, 1, 70, 5)]
    [InlineData(2_000_000, 1000, 70, 50_000)]
    [InlineData(2_000_000, 1000, 2000, 1000)]
    [InlineData(30, 3, 7, 6)]
    public void SpanFitsTheWidthAndNeverSplitsAnInputBin(int last, int binWidth, int maxGroups, int expected)
    {
        int span = PositionGrouping.ChooseSpan(last, binWidth, maxGroups);
        Assert.Equal(expected, span);
        Assert.Equal(0, span % binWidth);
        Assert.True((last + span - 1) / span <= maxGroups);
    }

    [Fact]
    public void AxisLabelSaysWhenPointsAreBins()
    {
        Assert.Equal("Position", PositionGrouping.AxisLabel(1));
        Assert.Equal("Position (bins of 50,000 bp)", PositionGrouping.AxisLabel(50_000));
    }

    [Fact]
    public void GroupMeanIsWeightedByCount()
    {
        var rows = new[]
        {
            new PositionQuality { Position = 1, Count = 1, Mean = 10, Median = 10, Minimum = 2, Maximum = 12 },
            new PositionQuality { Position = 2, Count = 3, Mean = 30, Median = 30, Minimum = 5, Maximum = 40 },
            new PositionQuality { Position = 3, Count = 2, Mean = 20, Median = 20 },
        };
        var groups = PositionGrouping.Group(rows, 2);
        Assert.Equal(2, groups.Count);
        Assert.Equal(1, groups[0].Start);
        Assert.Equal(2, groups[0].End);
        Assert.Equal(25, groups[0].Mean, 9);
        Assert.Equal(4, groups[0].Count);
        Assert.Equal(2, groups[0].Minimum);
        Assert.Equal(40, groups[0].Maximum);
        Assert.Equal(3, groups[1].Start);
        Assert.Equal(20, groups[1].Mean, 9);
    }

    [Fact]
    public void PositionsWithoutScoresAreLeftOut()
    {
        var rows = new[]
        {
            new PositionQuality { Position = 1, Count = 5, Mean = 30 },
            new PositionQuality { Position = 2, Count = 0, Mean = 0 },
        };
        var groups = PositionGrouping.Group(rows, 1);
        Assert.Single(groups);
        Assert.Equal(30, groups[0].Mean);
    }

    [Fact]
    public void RowsBuiltByHandWithoutCountsOrEndPositionsStillPlot()
    {
        var rows = new[] { new PositionQuality { Position = 2, Mean = 30 }, new PositionQuality { Position = 1, Mean = 20 } };
        var groups = PositionGrouping.Group(rows, 1);
        Assert.Equal(new[] { 1, 2 }, groups.Select(g => g.Start));
        Assert.Equal(new[] { 1, 2 }, groups.Select(g => g.End));
        Assert.Equal(2, PositionGrouping.LastPosition(rows));
    }

    [Fact]
    public void BinnedLongReadsKeepTheirBinEnds()
    {
        var distribution = QualitySamples.Falling("nanopore", length: 2000, binWidth: 1000);
        int span = PositionGrouping.ChooseSpan(PositionGrouping.LastPosition(distribution.Positions), distribution.BinWidth, 70);
        var groups = PositionGrouping.Group(distribution.Positions, span);
        Assert.Equal(50_000, span);
        Assert.Equal(40, groups.Count);
        Assert.Equal(1, groups[0].Start);
        Assert.Equal(50_000, groups[0].End);
        Assert.Equal(2_000_000, groups[^1].End);
    }
}
