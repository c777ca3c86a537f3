using System.Text;
using ParallelJobs.Pairs;

namespace ParallelJobs.Quality.Tests.Pairs;

/// <summary>
/// Read pairs: mates found by name are checked record by record (count and ids); a pair that disagrees, or whose
/// mate is invalid, is a failed input with an error naming both files and a line, never a silent half.
/// </summary>
public sealed class ReadPairTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pj-pairs-" + Guid.NewGuid().ToString("N"));

    public ReadPairTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Records(int count, string suffix, Func<int, string>? id = null)
    {
        var text = new StringBuilder();
        for (int r = 0; r < count; r++)
            text.Append('@').Append(id?.Invoke(r) ?? "read" + r).Append(suffix).Append(" comment").Append(r).Append("\nACGTN\n+\nIIII5\n");
        return text.ToString();
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_root, name);
        File.WriteAllText(path, text);
        return path;
    }

    private QualityRunSummary Run(bool paired = false) =>
        QualityDistributionRun.Compute(new[] { QualityInput.FromPath(_root, false) }, new QualityRunOptions { ThrottleLimit = 2, Paired = paired },
            TestContext.Current.CancellationToken);

    [Fact]
    public void MatesWithTheSameReadsCountBoth()
    {
        Write("s_R1_001.fastq", Records(50, "/1"));
        Write("s_R2_001.fastq", Records(50, "/2"));
        var summary = Run(paired: true);
        Assert.Empty(summary.Errors);
        Assert.Equal(100, summary.Distributions[0].ReadCount);
        Assert.Equal(0, summary.Distributions[0].FailedFileCount);
    }

    [Fact]
    public void DifferentRecordCountsFailThePairNamingBothFilesAndALine()
    {
        string r1 = Write("s_R1.fq", Records(5, ""));
        string r2 = Write("s_R2.fq", Records(4, ""));
        Write("other.fq", Records(3, ""));
        var summary = Run();
        var error = Assert.Single(summary.Errors);
        Assert.Contains(r1, error.Message, StringComparison.Ordinal);
        Assert.Contains(r2, error.Message, StringComparison.Ordinal);
        Assert.Contains("line 17", error.Message, StringComparison.Ordinal); // the fifth record of s_R1.fq
        Assert.Equal(3, summary.Distributions[0].ReadCount); // only the unpaired file
        Assert.Equal(2, summary.Distributions[0].FailedFileCount);
    }

    [Fact]
    public void DifferentIdsFailThePairAtTheFirstMismatch()
    {
        string r1 = Write("x_R1.fastq", Records(6, "/1"));
        string r2 = Write("x_R2.fastq", Records(6, "/2", r => r == 3 ? "other" : "read" + r));
        var summary = Run();
        var error = Assert.Single(summary.Errors);
        Assert.Contains("record 4", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 13 of " + r1, error.Message, StringComparison.Ordinal);
        Assert.Contains("line 13 of " + r2, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, summary.Distributions[0].ReadCount);
    }

    [Fact]
    public void ATruncatedMateFailsBothFiles()
    {
        string r1 = Write("t_R1.fastq", Records(4, ""));
        string full = Records(4, "");
        string r2 = Write("t_R2.fastq", full.Substring(0, full.Length - 3));
        var summary = Run();
        Assert.Equal(2, summary.Errors.Count);
        Assert.Contains(summary.Errors, e => e.Path == r2 && e.Message.Contains("ends inside the quality", StringComparison.Ordinal));
        Assert.Contains(summary.Errors, e => e.Path == r1 && e.Message.Contains(r2, StringComparison.Ordinal));
        Assert.Equal(0, summary.Distributions[0].ReadCount);
        Assert.Equal(2, summary.Distributions[0].FailedFileCount);
    }

    [Fact]
    public void NumberedPartsArePairedOnlyWithPaired()
    {
        // reads_1.fastq and reads_2.fastq are often parts of one run, not mates: without -Paired both simply count.
        Write("reads_1.fastq", Records(3, ""));
        Write("reads_2.fastq", Records(2, "", r => "other" + r));
        var plain = Run();
        Assert.Empty(plain.Errors);
        Assert.Equal(5, plain.Distributions[0].ReadCount);
        var paired = Run(paired: true);
        Assert.Single(paired.Errors);
        Assert.Equal(0, paired.Distributions[0].ReadCount);
    }

    [Fact]
    public void PairedRequiresAMateForEveryFile()
    {
        string alone = Write("lonely.fastq", Records(2, ""));
        Write("p_1.fastq", Records(2, "/1"));
        Write("p_2.fastq", Records(2, "/2"));
        var summary = Run(paired: true);
        var error = Assert.Single(summary.Errors);
        Assert.Equal(alone, error.Path);
        Assert.Contains("no mate", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, summary.Distributions[0].ReadCount);
    }

    [Fact]
    public void MatesAreFoundByNameOnly()
    {
        var files = new[] { "/d/a_R1_001.fastq.gz", "/d/a_R2_001.fastq.gz", "/d/b_1.fq", "/d/b_2.fq", "/d/c_1.fq", "/d/r1.fq", "/d/e_R2.fq" };
        var pairs = ReadPairCheck.FindPairs(files, numbered: true, out var unpaired);
        Assert.Equal(new[] { ("/d/a_R1_001.fastq.gz", "/d/a_R2_001.fastq.gz"), ("/d/b_1.fq", "/d/b_2.fq") }, pairs);
        Assert.Equal(new[] { "/d/c_1.fq", "/d/r1.fq", "/d/e_R2.fq" }, unpaired);
        Assert.Equal(new[] { ("/d/a_R1_001.fastq.gz", "/d/a_R2_001.fastq.gz") }, ReadPairCheck.FindPairs(files, numbered: false, out _));
        Assert.True(ReadPairCheck.SameId("r7/1 x", "r7/2 y"));
        Assert.False(ReadPairCheck.SameId("r7/1", "r8/2"));
    }
}
