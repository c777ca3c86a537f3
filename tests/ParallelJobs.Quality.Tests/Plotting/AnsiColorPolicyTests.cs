using ParallelJobs;
using ParallelJobs.Plotting;

namespace ParallelJobs.Quality.Tests.Plotting;

public class AnsiColorPolicyTests
{
    [Theory]
    [InlineData("Ansi", false, false, true)]
    [InlineData("PlainText", true, true, false)]
    [InlineData("Host", true, true, true)]
    [InlineData("Host", false, true, false)]
    [InlineData("Host", true, false, false)]
    [InlineData(null, true, true, true)]
    [InlineData(null, false, true, false)]
    public void FollowsOutputRendering(string? rendering, bool toHost, bool vt, bool expected)
    {
        Assert.Equal(expected, AnsiColorPolicy.ShouldUseColor(rendering, toHost, vt));
    }
}
