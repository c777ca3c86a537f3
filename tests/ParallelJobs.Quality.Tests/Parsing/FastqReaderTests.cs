using System.IO.Compression;
using ParallelJobs.Quality;
using static ParallelJobs.Quality.Tests.TestPaths;
using ParallelJobs.Parsing;

namespace ParallelJobs.Quality.Tests.Parsing;

public class FastqReaderTests
{
    [Fact]
    public void ReadsHandMadeRecordsIncludingWrappingAndZeroLength()
    {
        var (histogram, scan) = QualityFiles.Read(Fixture("small.fastq"));
        Assert.Equal(QualityFileFormat.Fastq, scan.Format);
        Assert.Equal(33, scan.PhredOffset);
        Assert.Equal(3, histogram.ReadCount);
        Assert.Equal(11, histogram.BaseCount);
        Assert.Equal(0, histogram.MinLength);
        Assert.Equal(6, histogram.MaxLength);
        // r1 "!!5I~", r2 "@@@II@"
        Assert.Equal(1, histogram.GetCount(0, 0));
        Assert.Equal(1, histogram.GetCount(0, 31));
        Assert.Equal(1, histogram.GetCount(2, 20));
        Assert.Equal(2, histogram.GetCount(3, 40));
        Assert.Equal(1, histogram.GetCount(4, 93));
        Assert.Equal(1, histogram.GetCount(4, 40));
        Assert.Equal(1, histogram.GetCount(5, 31));
    }

    [Fact]
    public void AcceptsCrlfLineEnds()
    {
        var histogram = QualityFiles.Scores(Fixture("crlf.fastq"));
        Assert.Equal(2, histogram.ReadCount);
        Assert.Equal(6, histogram.BaseCount);
        Assert.Equal(2, histogram.GetCount(0, 40) + histogram.GetCount(0, 2));
        Assert.Equal(1, histogram.GetCount(1, 20));
    }

    [Fact]
    public void DetectsPhred64AndShiftsScores()
    {
        var (_, scan) = QualityFiles.Read(Fixture("illumina64.fastq"));
        Assert.Equal(64, scan.PhredOffset);
        var scores = QualityFiles.Scores(Fixture("illumina64.fastq"));
        Assert.Equal(2, scores.GetCount(0, 40) + scores.GetCount(0, 0) - 0);
        Assert.Equal(1, scores.GetCount(3, 10));
        Assert.Equal(1, scores.GetCount(7, 40));
    }

    [Fact]
    public void ForcedOffsetOverridesDetection()
    {
        var (_, scan) = QualityFiles.Read(Fixture("illumina64.fastq"), phredOffset: 33);
        Assert.Equal(33, scan.PhredOffset);
        var scores = QualityFiles.Scores(Fixture("illumina64.fastq"), phredOffset: 33);
        Assert.Equal(1, scores.GetCount(0, 31));
    }

    [Fact]
    public void RejectsSolexaWithAClearMessage()
    {
        var error = QualityFiles.Failure(Fixture("solexa.fastq"));
        Assert.Contains("Solexa", error.Message);
        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void ForcedPhred64RejectsCharactersBelowAt()
    {
        var error = QualityFiles.Failure(Fixture("small.fastq"), phredOffset: 64);
        Assert.Equal(4, error.Line);
        Assert.Contains("Phred+64", error.Message);
    }

    [Fact]
    public void TruncatedQualityFailsAfterTheGoodRecords()
    {
        var error = QualityFiles.Failure(Fixture("truncated.fastq"));
        Assert.Equal(1, error.RecordsBeforeError);
        Assert.Equal(8, error.Line);
        Assert.Contains("ends inside the quality", error.Message);
    }

    [Fact]
    public void EmptyFileIsValidWithNoReads()
    {
        var (histogram, scan) = QualityFiles.Read(Fixture("empty.fastq"));
        Assert.Equal(0, histogram.ReadCount);
        Assert.Null(scan.PhredOffset);
    }

    [Fact]
    public void TinyBuffersGiveTheSameCountsAsLargeOnes()
    {
        foreach (string name in new[] { "small.fastq", "crlf.fastq", "illumina64.fastq" })
            foreach (int size in new[] { 2, 3, 5, 8 })
                QualityFiles.AssertSame(QualityFiles.Scores(Fixture(name)), QualityFiles.Scores(Fixture(name), bufferSize: size));
    }

    [Theory]
    [InlineData("error_diff_ids.fastq", 2)]
    [InlineData("error_no_qual.fastq", 0)]
    [InlineData("error_long_qual.fastq", 3)]
    [InlineData("error_short_qual.fastq", 2)]
    [InlineData("error_double_seq.fastq", 3)]
    [InlineData("error_double_qual.fastq", 2)]
    [InlineData("error_tabs.fastq", 0)]
    [InlineData("error_spaces.fastq", 0)]
    [InlineData("error_trunc_in_title.fastq", 4)]
    [InlineData("error_trunc_in_seq.fastq", 4)]
    [InlineData("error_trunc_in_plus.fastq", 4)]
    [InlineData("error_trunc_in_qual.fastq", 4)]
    [InlineData("error_trunc_at_seq.fastq", 4)]
    [InlineData("error_trunc_at_plus.fastq", 4)]
    [InlineData("error_trunc_at_qual.fastq", 4)]
    [InlineData("error_qual_del.fastq", 3)]
    [InlineData("error_qual_space.fastq", 3)]
    [InlineData("error_qual_vtab.fastq", 0)]
    [InlineData("error_qual_escape.fastq", 4)]
    [InlineData("error_qual_unit_sep.fastq", 2)]
    [InlineData("error_qual_tab.fastq", 4)]
    [InlineData("error_qual_null.fastq", 0)]
    public void MalformedFilesFailAfterTheStatedGoodRecords(string name, int goodRecords)
    {
        foreach (string folder in new[] { BiopythonQuality, BioperlData + "fastq/" })
        {
            string path = ThirdParty(folder + name);
            var error = QualityFiles.Failure(path);
            Assert.Equal(goodRecords, error.RecordsBeforeError);
            Assert.True(error.Line > 0, "the error names a line");
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
            // Same outcome when every line is cut into small chunks.
            var chunked = QualityFiles.Failure(path, bufferSize: 7);
            Assert.Equal(error.RecordsBeforeError, chunked.RecordsBeforeError);
            Assert.Equal(error.Line, chunked.Line);
        }
    }

    [Theory]
    [InlineData("illumina-invalid-description.fastq")]
    [InlineData("illumina-invalid-repeat-description.fastq")]
    [InlineData("sanger-invalid-description.fastq")]
    [InlineData("sanger-invalid-repeat-description.fastq")]
    [InlineData("solexa-invalid-description.fastq")]
    [InlineData("solexa-invalid-repeat-description.fastq")]
    public void BiojavaInvalidFilesFail(string name)
    {
        var error = QualityFiles.Failure(ThirdParty(BiojavaFastq + name));
        Assert.True(error.Line > 0);
    }

    [Theory]
    [InlineData(BiopythonQuality + "example.fastq", 3, 25, 25)]
    [InlineData(BiopythonQuality + "example_dos.fastq", 3, 25, 25)]
    [InlineData(BiopythonQuality + "example.fastq.gz", 3, 25, 25)]
    [InlineData(BiopythonQuality + "example.fastq.bgz", 3, 25, 25)]
    [InlineData(BiopythonQuality + "example_dos.fastq.bgz", 3, 25, 25)]
    [InlineData(BiopythonQuality + "tricky.fastq", 4, 36, 36)]
    [InlineData(BiopythonQuality + "sanger_93.fastq", 1, 94, 94)]
    [InlineData(BiopythonQuality + "sanger_faked.fastq", 1, 41, 41)]
    [InlineData(BiopythonQuality + "illumina_faked.fastq", 1, 41, 41)]
    [InlineData(BiopythonQuality + "zero_length.fastq", 5, 0, 127)]
    [InlineData(BiopythonQuality + "wrapping_original_sanger.fastq", 3, 131, 144)]
    [InlineData(BiopythonQuality + "longreads_original_sanger.fastq", 10, 145, 507)]
    [InlineData(BioperlData + "fastq/test1_sanger.fastq", 250, 52, 345)]
    [InlineData(BioperlData + "fastq/test3_illumina.fastq", 25, 25, 25)]
    [InlineData(BioperlData + "fastq/zero_qual.fastq", 2, 1, 2)]
    [InlineData(BiojavaFastq + "empty.fastq", 0, 0, 0)]
    [InlineData(BiojavaFastq + "wrapped-sequence.fastq", 1, -1, -1)]
    [InlineData(BiojavaFastq + "wrapped-quality.fastq", 1, -1, -1)]
    [InlineData(BiojavaFastq + "multiple-wrapped-quality.fastq", 4, -1, -1)]
    [InlineData(BiojavaFastq + "illumina_example.fastq", 250, 36, 36)]
    [InlineData(Htsjdk + "s_1_sequence.txt", 10, 76, 76)]
    [InlineData(Htsjdk + "5k-30BB2AAXX.3.aligned.sam.fastq", 4952, 76, 76)]
    public void ValidFilesHaveTheStatedRecords(string relative, int records, int minLength, int maxLength)
    {
        string path = ThirdParty(relative);
        var (histogram, scan) = QualityFiles.Read(path, phredOffset: relative.Contains("solexa") ? 33 : null);
        Assert.Equal(records, scan.Records);
        Assert.Equal(records, histogram.ReadCount);
        if (minLength >= 0) Assert.Equal(minLength, histogram.MinLength);
        if (maxLength >= 0) Assert.Equal(maxLength, histogram.MaxLength);
        QualityFiles.AssertSame(QualityFiles.Scores(path), QualityFiles.Scores(path, bufferSize: 5));
    }

    [Fact]
    public void AllFullRangeAndConvertedFilesParse()
    {
        string folder = ThirdParty(BiopythonQuality);
        foreach (string path in Directory.GetFiles(folder, "*.fastq"))
        {
            string name = Path.GetFileName(path);
            if (name.StartsWith("error_")) continue;
            bool solexaScaled = name.Contains("as_solexa") || name.StartsWith("solexa_full_range_original") || name == "solexa_faked.fastq";
            if (solexaScaled) Assert.Contains("Solexa", QualityFiles.Failure(path).Message);
            else Assert.True(QualityFiles.Read(path).Scan.Records > 0, name);
        }
    }

    [Fact]
    public void SangerAndIlluminaEncodingsOfTheSameReadsGiveTheSameScores()
    {
        foreach (string stem in new[] { "illumina_full_range", "longreads", "wrapping", "misc_dna" })
        {
            var sanger = QualityFiles.Scores(ThirdParty(BiopythonQuality + stem + "_as_sanger.fastq"));
            var illumina = QualityFiles.Scores(ThirdParty(BiopythonQuality + stem + "_as_illumina.fastq"));
            if (stem == "illumina_full_range") QualityFiles.AssertSame(sanger, illumina);
            else Assert.Equal(sanger.BaseCount, illumina.BaseCount);
        }
    }

    [Fact]
    public void SangerRangeIsZeroTo93AndFakedDescends()
    {
        var all = QualityFiles.Scores(ThirdParty(BiopythonQuality + "sanger_93.fastq"));
        Assert.Equal(Enumerable.Range(0, 94).Reverse().ToArray(), QualityFiles.SingleReadScores(all));
        var illumina = QualityFiles.Scores(ThirdParty(BiopythonQuality + "illumina_faked.fastq"));
        var sanger = QualityFiles.Scores(ThirdParty(BiopythonQuality + "sanger_faked.fastq"));
        Assert.Equal(Enumerable.Range(0, 41).Reverse().ToArray(), QualityFiles.SingleReadScores(sanger));
        QualityFiles.AssertSame(sanger, illumina);
    }

    [Theory]
    [InlineData("s_1_sequence.txt", 64, false)]
    [InlineData("5k-30BB2AAXX.3.aligned.sam.fastq", 33, false)]
    [InlineData("solexa_full_range_as_solexa.fastq", 64, true)]
    public void DetectsTheEncodingHtsjdkExpects(string name, int offset, bool solexa)
    {
        string path = ThirdParty(Htsjdk + name);
        if (solexa)
        {
            Assert.Contains("Solexa", QualityFiles.Failure(path).Message);
            return;
        }
        Assert.Equal(offset, QualityFiles.Read(path).Scan.PhredOffset);
    }

    [Fact]
    public void GzipIsRecognisedByContentAndBgzfReadsEveryMember()
    {
        var plain = QualityFiles.Scores(ThirdParty(BiopythonQuality + "example.fastq"));
        QualityFiles.AssertSame(plain, QualityFiles.Scores(ThirdParty(BiopythonQuality + "example.fastq.gz")));
        QualityFiles.AssertSame(plain, QualityFiles.Scores(ThirdParty(BiopythonQuality + "example.fastq.bgz")));
        QualityFiles.AssertSame(plain, QualityFiles.Scores(ThirdParty(BiopythonQuality + "example_dos.fastq.bgz")));
        // Compressed content under a plain name.
        string renamed = Path.Combine(Path.GetTempPath(), "pj-" + Guid.NewGuid().ToString("N") + ".fastq");
        try
        {
            using (var file = File.Create(renamed))
            using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            using (var source = File.OpenRead(Fixture("small.fastq")))
                source.CopyTo(gzip);
            var (histogram, scan) = QualityFiles.Read(renamed);
            Assert.True(scan.Compressed);
            QualityFiles.AssertSame(QualityFiles.Read(Fixture("small.fastq")).Histogram, histogram);
        }
        finally { File.Delete(renamed); }
    }
}
