using ParallelJobs;
using ParallelJobs.Plotting;

namespace ParallelJobs.Quality.Tests.Plotting;

public class AxisTicksTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(7, 10)]
    [InlineData(12, 20)]
    [InlineData(0.3, 0.5)]
    [InlineData(28572, 50000)]
    public void NiceStepIsTheSmallestOneTwoFiveStepAtLeastTheRawStep(double raw, double expected)
    {
        Assert.Equal(expected, AxisTicks.NiceStep(raw), 9);
    }

    [Fact]
    public void QualityAxisTicksAreMultiplesOfTen()
    {
        Assert.Equal(new[] { 0.0, 10, 20, 30, 40 }, AxisTicks.Compute(0, 40, 5));
    }

    [Fact]
    public void PositionTicksStayInsideTheRangeAndRespectTheCount()
    {
        var ticks = AxisTicks.Compute(1, 150, 8, 1);
        Assert.All(ticks, t => Assert.InRange(t, 1, 150));
        Assert.InRange(ticks.Count, 2, 8);
        Assert.Equal(new[] { 50.0, 100, 150 }, ticks);
    }

    [Fact]
    public void MinimumStepKeepsTicksOnWholePositions()
    {
        var ticks = AxisTicks.Compute(1, 3, 20, 1);
        Assert.Equal(new[] { 1.0, 2, 3 }, ticks);
    }
}
