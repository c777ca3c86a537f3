using ParallelJobs.Scheduling;

namespace ParallelJobs.Engine.Tests.Scheduling;

public class RunOptionsTests
{
    [Theory]
    [InlineData("", "empty")]
    [InlineData("A=B", "'A=B'")]
    [InlineData("A\0B", "'A\\0B'")]
    public void AnEnvironmentKeyThatCannotBeAVariable_IsRejectedBeforeAnythingStarts_NamingIt(string key, string named)
    {
        using var dir = new TempDir();
        var options = new RunOptions { OutputDirectory = dir.Combine("out") };
        options.Environment[key] = "x";
        var e = Assert.ThrowsAny<ArgumentException>(() => new ParallelRun(options));
        Assert.Equal("Environment", e.ParamName);
        Assert.Contains(named, e.Message);
        Assert.False(e.Message.Contains('\0'), "a NUL in the message would cut it short where it is shown");
        Assert.False(Directory.Exists(dir.Combine("out")), "nothing of the run was made");
    }

    [Fact]
    public void AnEnvironmentValueWithNul_IsRejected_NamingItsKey()
    {
        var options = new RunOptions();
        options.Environment["PJ_OK_NAME"] = "a\0b";
        var e = Assert.ThrowsAny<ArgumentException>(() => new ParallelRun(options));
        Assert.Contains("'PJ_OK_NAME'", e.Message);
    }

    [Fact]
    public void OrdinaryKeys_AndRemovals_AreAccepted()
    {
        var options = new RunOptions { ThrottleLimit = 1 };
        options.Environment["PJ_X"] = "1=2";
        options.Environment["PJ_GONE"] = null;
        var (results, _) = RunDriver.Run(options, new[] { RunDriver.Sh("echo \"$PJ_X\"") });
        Assert.Equal(new[] { "1=2" }, results.Single().Output);
    }
}
