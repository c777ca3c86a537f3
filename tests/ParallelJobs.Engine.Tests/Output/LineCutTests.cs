using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;

namespace ParallelJobs.Engine.Tests.Output;

public class LineCutTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AFiftyMegabyteLine_CutInMemory_MarksTheResultTruncated(bool endsWithNewline)
    {
        using var dir = new TempDir();
        const int size = 50_000_000;
        var options = new RunOptions { ThrottleLimit = 1, OutputDirectory = dir.Path };
        string newline = endsWithNewline ? "; echo" : "";
        var (results, _) = Run(options, new[] { Sh($"head -c {size} /dev/zero | tr '\\0' a{newline}") });

        var r = results.Single();
        Assert.Equal(CommandStatus.Succeeded, r.Status);
        Assert.Equal(size + (endsWithNewline ? 1 : 0), r.OutputBytes);
        Assert.Equal(1, r.OutputLineCount);
        var line = Assert.Single(r.Output);
        Assert.True(line.Length <= options.MaxLineLength + 1, $"the line kept in memory has {line.Length} characters");
        Assert.True(r.OutputTruncated, "a line was cut, so the result does not hold all of the output");
        Assert.Equal(size + (endsWithNewline ? 1 : 0), new FileInfo(Path.Combine(dir.Path, "slot-0.out")).Length);
    }

    [Fact]
    public void ShortLines_AreNotTruncated()
    {
        using var dir = new TempDir();
        var (results, _) = Run(new RunOptions { ThrottleLimit = 1, OutputDirectory = dir.Path }, new[] { Sh("echo a; echo b >&2; printf c") });
        var r = results.Single();
        Assert.Equal(new[] { "a", "c" }, r.Output);
        Assert.False(r.OutputTruncated);
    }
}
