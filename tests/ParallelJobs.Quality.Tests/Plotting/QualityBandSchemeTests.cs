using ParallelJobs;
using ParallelJobs.Plotting;

namespace ParallelJobs.Quality.Tests.Plotting;

public class QualityBandSchemeTests
{
    [Theory]
    [InlineData(0, nameof(QualityBand.Poor))]
    [InlineData(19.99, nameof(QualityBand.Poor))]
    [InlineData(20, nameof(QualityBand.Reasonable))]
    [InlineData(28, nameof(QualityBand.Reasonable))]
    [InlineData(28.01, nameof(QualityBand.Good))]
    [InlineData(41, nameof(QualityBand.Good))]
    public void BandsFollowFastQc(double quality, string expected)
    {
        Assert.Equal(expected, QualityBandScheme.Classify(quality).ToString());
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
