using ParallelJobs.Quality;
using static ParallelJobs.Quality.Tests.TestPaths;
using ParallelJobs.Parsing;
using ParallelJobs.Statistics;

namespace ParallelJobs.Quality.Tests.Parsing;

public class QualReaderTests
{
    [Fact]
    public void ReadsHandMadeRecordsSkippingThePreamble()
    {
        var (histogram, scan) = QualityFiles.Read(Fixture("small.qual"));
        Assert.Equal(QualityFileFormat.Qual, scan.Format);
        Assert.Null(scan.PhredOffset);
        Assert.Equal(3, histogram.ReadCount);
        Assert.Equal(0, histogram.MinLength);
        Assert.Equal(7, histogram.MaxLength);
        Assert.Equal(11, histogram.BaseCount);
        int[] expectedFirst = { 10, 20, 30, 40, 0, 93, 5 };
        for (int i = 0; i < expectedFirst.Length; i++) Assert.Equal(1, histogram.GetCount(i, expectedFirst[i]));
        for (int i = 0; i < 4; i++) Assert.Equal(1, histogram.GetCount(i, 7));
    }

    [Fact]
    public void NonIntegerTokenIsAnErrorWithItsLine()
    {
        var error = QualityFiles.Failure(Fixture("bad_token.qual"));
        Assert.Equal(4, error.Line);
        Assert.Equal(1, error.RecordsBeforeError);
        Assert.Contains("'x'", error.Message);
    }

    [Fact]
    public void NegativeScoreIsAnError()
    {
        var error = QualityFiles.Failure(Fixture("negative.qual"));
        Assert.Equal(2, error.Line);
        Assert.Contains("negative", error.Message);
    }

    [Fact]
    public void ScoreAbove93IsAnError()
    {
        string path = Path.Combine(Path.GetTempPath(), "pj-" + Guid.NewGuid().ToString("N") + ".qual");
        File.WriteAllText(path, ">r\n10 94\n");
        try { Assert.Contains("above 93", QualityFiles.Failure(path).Message); }
        finally { File.Delete(path); }
    }

    [Fact]
    public void TinyBuffersGiveTheSameCounts()
    {
        foreach (int size in new[] { 2, 3, 4, 7 })
            QualityFiles.AssertSame(QualityFiles.Scores(Fixture("small.qual")), QualityFiles.Scores(Fixture("small.qual"), bufferSize: size));
    }

    [Fact]
    public void ExampleQualHasTheScoresOfExampleFastq()
    {
        var qual = QualityFiles.Scores(ThirdParty(BiopythonQuality + "example.qual"));
        var fastq = QualityFiles.Scores(ThirdParty(BiopythonQuality + "example.fastq"));
        Assert.Equal(3, qual.ReadCount);
        Assert.Equal(25, qual.MaxLength);
        QualityFiles.AssertSame(fastq, qual);
        QualityFiles.AssertSame(qual, QualityFiles.Scores(ThirdParty(BioperlData + "fastq/example.qual")));
    }

    [Theory]
    [InlineData("biopython/Tests/Roche/E3MFGYR02_random_10_reads.qual", 10, -1, -1, 45)]
    [InlineData("biopython/Tests/Roche/E3MFGYR02_random_10_reads_no_trim.qual", 10, -1, -1, 45)]
    [InlineData(BioperlData + "qualfile.qual", 8, 484, 826, 90)]
    [InlineData(BioperlData + "lucy.qual", 1, 1060, 1060, 56)]
    [InlineData(BioperlData + "multifa.seq.qual", 6, 0, 321, -1)]
    [InlineData(BioperlData + "consed_project/edit_dir/test_project.fasta.screen.qual", 4, 734, 763, 56)]
    [InlineData(BioperlData + "consed_project/edit_dir/test_project.fasta.screen.problems.qual", 0, 0, 0, -1)]
    public void ValidQualFilesHaveTheStatedRecords(string relative, int records, int minLength, int maxLength, int maxScore)
    {
        string path = ThirdParty(relative);
        var (histogram, scan) = QualityFiles.Read(path);
        Assert.Equal(records, scan.Records);
        Assert.Equal(records, histogram.ReadCount);
        if (minLength >= 0) Assert.Equal(minLength, histogram.MinLength);
        if (maxLength >= 0) Assert.Equal(maxLength, histogram.MaxLength);
        if (maxScore >= 0) Assert.Equal(maxScore, PositionQuality.Rows(histogram.ToCounts(), "x", out _).Max(p => p.Maximum));
        QualityFiles.AssertSame(histogram, QualityFiles.Read(path, bufferSize: 6).Histogram);
    }

    [Fact]
    public void RocheReadsHave130To310Values()
    {
        var (histogram, _) = QualityFiles.Read(ThirdParty("biopython/Tests/Roche/E3MFGYR02_random_10_reads.qual"));
        Assert.InRange(histogram.MinLength, 130, 310);
        Assert.InRange(histogram.MaxLength, 130, 310);
    }

    [Fact]
    public void MultifaEmptyRecordsAreReadsOfLengthZero()
    {
        string text = File.ReadAllText(ThirdParty(BioperlData + "multifa.seq.qual"));
        Assert.Equal(321, RecordLength(text, "HSEARLOBE"));
        Assert.Equal(134, RecordLength(text, "HSMETOO"));
        Assert.Equal(62, RecordLength(text, "MMWHISK"));
        var (histogram, _) = QualityFiles.Read(ThirdParty(BioperlData + "multifa.seq.qual"));
        Assert.Equal(0, histogram.MinLength);
    }

    [Fact]
    public void QualfileFirstRecordHas39AtPositions100And101()
    {
        string text = File.ReadAllText(ThirdParty(BioperlData + "qualfile.qual"));
        var scores = SingleRecordScores(text, 0);
        Assert.Equal(484, scores.Length);
        Assert.Equal(39, scores[99]);
        Assert.Equal(39, scores[100]);
    }

    [Fact]
    public void DbqualDirectoryHas15RecordsAndRecord17601979IsExact()
    {
        string directory = ThirdParty(BioperlData + "dbqual");
        var input = QualityInput.FromPath(directory, recurse: false);
        Assert.Equal(3, input.Files.Count);
        var summary = QualityDistributionRun.Compute(new[] { input }, new QualityRunOptions { ThrottleLimit = 2 }, TestContext.Current.CancellationToken);
        var result = Assert.Single(summary.Distributions);
        Assert.Empty(summary.Errors);
        Assert.Equal(15, result.ReadCount);
        Assert.Equal(8, result.MinLength);
        Assert.Equal(113, result.MaxLength);

        string all = string.Concat(input.Files.Select(File.ReadAllText));
        int index = all.IndexOf(">17601979", StringComparison.Ordinal);
        Assert.True(index >= 0);
        Assert.Equal(new[] { 23, 32, 24, 27, 26, 27, 27, 27, 28, 23, 28, 31, 23, 27 }, SingleRecordScores(all, index));
    }

    // Writes the record starting at `start` to its own file and reads it with QualReader.
    private static int[] SingleRecordScores(string text, int start)
    {
        int next = text.IndexOf('>', start + 1);
        string record = next < 0 ? text.Substring(start) : text.Substring(start, next - start);
        string path = Path.Combine(Path.GetTempPath(), "pj-" + Guid.NewGuid().ToString("N") + ".qual");
        File.WriteAllText(path, record);
        try { return QualityFiles.SingleReadScores(QualityFiles.Read(path).Histogram); }
        finally { File.Delete(path); }
    }

    private static int RecordLength(string text, string id)
    {
        int start = text.IndexOf(">" + id, StringComparison.Ordinal);
        Assert.True(start >= 0, id);
        return SingleRecordScores(text, start).Length;
    }

    [Fact]
    public void RandomLayoutsParseToTheScoresWritten()
    {
        // Random separators (one or more spaces, tabs, CRLF, ragged lines) and scores 0..93, some with
        // leading zeros, and a few long reads: every path of the tokenizer (fast and general) must give the same counts.
        var random = new Random(2024);
        var expected = new QualityHistogram();
        var text = new System.Text.StringBuilder("preamble 1 2 x\n");
        for (int read = 0; read < 200; read++)
        {
            text.Append("\n>r").Append(read).Append(random.Next(2) == 0 ? "\n" : "\r\n");
            // A few reads longer than 4096 scores, so that later positions are binned (the general loop's job).
            int length = read % 60 == 37 ? random.Next(4097, 12000) : random.Next(0, 150);
            for (int i = 0; i < length; i++)
            {
                int score = random.Next(0, 94);
                expected.AddScore(i, score);
                text.Append(random.Next(20) == 0 ? score.ToString("D3") : score.ToString());
                int separator = random.Next(12);
                text.Append(separator switch { 0 => "\t", 1 => "  ", 2 => "\n", 3 => "\r\n", 4 => " \n", _ => " " });
            }
            expected.AddRead(length);
            if (random.Next(3) == 0) text.Append('\n');
        }
        string path = Path.Combine(Path.GetTempPath(), "pj-" + Guid.NewGuid().ToString("N") + ".qual");
        File.WriteAllText(path, text.ToString());
        try
        {
            foreach (int size in new[] { QualityFileReader.BufferSize, 64, 5 })
                QualityFiles.AssertSame(expected, QualityFiles.Read(path, bufferSize: size).Histogram);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("10 100 20", "above 93")]
    [InlineData("10 12345678901234 20", "digits")]
    [InlineData("10 - 20", "'-' is not a score")]
    [InlineData("10 5-3 20", "'-'")]
    [InlineData("10,20", "','")]
    public void BadTokensAreErrorsOnTheirLine(string scores, string message)
    {
        string path = Path.Combine(Path.GetTempPath(), "pj-" + Guid.NewGuid().ToString("N") + ".qual");
        File.WriteAllText(path, ">ok\n1 2 3\n>bad\n" + scores + "\n");
        try
        {
            var error = QualityFiles.Failure(path);
            Assert.Equal(4, error.Line);
            Assert.Equal(1, error.RecordsBeforeError);
            Assert.Contains(message, error.Message);
        }
        finally { File.Delete(path); }
    }
}
