using ParallelJobs;
using ParallelJobs.Plotting;

namespace ParallelJobs.Quality.Tests.Plotting;

public class PlotTitleTests
{
    [Fact]
    public void FormatsLikeTheSeedTruncatingMinAndMax()
    {
        // Python: "%s [%d, %d]" % ("t1", 27.9, 35.99) == "t1 [27, 35]"
        Assert.Equal("t1 [27, 35]", PlotTitle.Format("t1", new[] { 30.5, 27.9, 35.99 }));
    }

    [Fact]
    public void UsesTheMeansOfThePlottedGroups()
    {
        var groups = new[] { new PositionGroup { Mean = 40.2 }, new PositionGroup { Mean = 9.99 } };
        Assert.Equal("x [9, 40]", PlotTitle.Format("x", groups));
    }

    [Fact]
    public void NoDataIsSaidInsteadOfFailing()
    {
        Assert.Equal("empty [no data]", PlotTitle.Format("empty", Array.Empty<double>()));
    }
}
