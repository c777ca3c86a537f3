using ParallelJobs;
using ParallelJobs.Plotting;

namespace ParallelJobs.Quality.Tests.Plotting;

public class LinearScaleTests
{
    [Fact]
    public void MapsAndInvertsIncludingReversedRanges()
    {
        var y = new LinearScale(0, 40, 400, 0);
        Assert.Equal(400, y.Map(0), 9);
        Assert.Equal(0, y.Map(40), 9);
        Assert.Equal(200, y.Map(20), 9);
        Assert.Equal(30, y.Invert(y.Map(30)), 9);
    }

    [Fact]
    public void ASinglePointDomainIsWidenedInsteadOfDividingByZero()
    {
        var x = new LinearScale(5, 5, 0, 10);
        Assert.Equal(5, x.Map(5), 9);
        Assert.False(double.IsNaN(x.Map(6)));
    }
}
