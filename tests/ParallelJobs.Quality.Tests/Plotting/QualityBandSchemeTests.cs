using ParallelJobs;
using ParallelJobs.Plotting;

namespace ParallelJobs.Quality.Tests.Plotting;

public class QualityBandSchemeTests
{
    [Theory]
    [InlineData(0, QualityBand.Poor)]
    [InlineData(19.99, QualityBand.Poor)]
    [InlineData(20, QualityBand.Reasonable)]
    [InlineData(28, QualityBand.Reasonable)]
    [InlineData(28.01, QualityBand.Good)]
    [InlineData(41, QualityBand.Good)]
    public void BandsFollowFastQc(double quality, QualityBand expected)
    {
        Assert.Equal(expected, QualityBandScheme.Classify(quality));
    }

    [Fact]
    public void EachBandHasItsOwnColourInSvgAndAnsi()
    {
        Assert.Equal("#f0a8a8", QualityBandScheme.SvgFill(QualityBand.Poor));
        Assert.Equal("#f6cf8f", QualityBandScheme.SvgFill(QualityBand.Reasonable));
        Assert.Equal("#a9dba9", QualityBandScheme.SvgFill(QualityBand.Good));
        Assert.Equal("\u001b[31m", QualityBandScheme.AnsiColor(QualityBand.Poor));
        Assert.Equal("\u001b[33m", QualityBandScheme.AnsiColor(QualityBand.Reasonable));
        Assert.Equal("\u001b[32m", QualityBandScheme.AnsiColor(QualityBand.Good));
    }

    [Theory]
    [InlineData(39.9, 40)]
    [InlineData(12, 40)]
    [InlineData(40, 45)]
    [InlineData(41, 45)]
    [InlineData(60.5, 65)]
    public void QualityAxisReachesAtLeastForty(double highest, double top)
    {
        Assert.Equal(top, QualityAxis.Top(highest));
    }
}
