using System.Text;
using System.Text.RegularExpressions;
using ParallelJobs.Quality;
using ParallelJobs.Parsing;
using static ParallelJobs.Quality.Tests.Compression.GzipTestFiles;

namespace ParallelJobs.Quality.Tests.Compression;

/// <summary>
/// A .fastq.gz is read whole or not at all: a file cut anywhere (even where the data left is valid gzip so far
/// and ends on a record boundary), a wrong trailer, or damaged data is an error that says where, never fewer reads;
/// bytes after the last member are a warning; every member of a multi-member file counts.
/// </summary>
public sealed class GzipIntegrityTests : IDisposable
{
    private const int Records = 1000;
    private readonly string _directory = Directory.CreateTempSubdirectory("pj-gzip-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>
    /// The file read alone and read with idle workers beside it (read-ahead, parallel BGZF): the same records,
    /// warning and counts either way, which is returned.
    /// </summary>
    private static QualityFileScan Scan(string path)
    {
        var (histogram, scan) = QualityFiles.Read(path);
        foreach (int helpers in new[] { 1, 2 })
        {
            var (histogramWithHelpers, scanWithHelpers) = QualityFiles.ReadWithHelpers(path, helpers);
            Assert.Equal(scan.Records, scanWithHelpers.Records);
            Assert.Equal(scan.Warning, scanWithHelpers.Warning);
            QualityFiles.AssertSame(histogram, histogramWithHelpers);
        }
        return scan;
    }

    /// <summary>The error of a file read alone, which reading it with idle workers beside it gives word for word.</summary>
    private static QualityFormatException Failure(string path)
    {
        var error = QualityFiles.Failure(path);
        foreach (int helpers in new[] { 1, 2 })
        {
            var withHelpers = Assert.Throws<QualityFormatException>(() => QualityFiles.ReadWithHelpers(path, helpers));
            Assert.Equal(error.Message, withHelpers.Message);
            Assert.Equal(error.Line, withHelpers.Line);
            Assert.Equal(error.RecordsBeforeError, withHelpers.RecordsBeforeError);
        }
        return error;
    }

    private static void AssertEndsEarly(string path, long at)
    {
        var error = Failure(path);
        Assert.StartsWith("gzip data ends early (truncated?) at compressed byte " + at, error.Message);
        Assert.Equal(0, error.Line);
    }

    private static long AssertCorrupt(string path, string? detail = null)
    {
        var error = Failure(path);
        var match = Regex.Match(error.Message, @"^gzip data is corrupt at compressed byte (\d+)");
        Assert.True(match.Success, "not a gzip corruption message: " + error.Message);
        if (detail != null) Assert.Contains(detail, error.Message);
        Assert.Equal(0, error.Line);
        return long.Parse(match.Groups[1].Value);
    }

    [Fact]
    public void AFileCutAtAFlushPointOnARecordBoundaryIsTruncatedNotShorter()
    {
        var data = Fastq(0, Records);
        var member = Member(data, out var flushes, new[] { 300 * RecordBytes, 700 * RecordBytes });
        Assert.Equal(Records, Scan(Write("whole.fastq.gz", member)).Records);
        foreach (int cut in flushes)
            AssertEndsEarly(Write("cut" + cut + ".fastq.gz", member.AsSpan(0, cut).ToArray()), cut);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-i")]
    public void PigzOutputCutAtABlockBoundaryIsTruncated(string independent)
    {
        string pigz = Require("pigz", "pigz");
        string plain = Write("reads.fastq", Fastq(0, Records));
        // 32 KiB blocks: every block boundary is a record boundary (records are 256 bytes).
        var args = new List<string> { "-c", "-b", "32" };
        if (independent.Length > 0) args.Add(independent);
        args.Add(plain);
        var (exit, compressed, stderr) = Run(pigz, args.ToArray());
        Assert.True(exit == 0, stderr);
        Assert.Equal(Records, Scan(Write("reads.fastq.gz", compressed)).Records);
        var cuts = SyncMarkersEnds(compressed);
        Assert.NotEmpty(cuts);
        foreach (int cut in cuts)
            AssertEndsEarly(Write("cut" + cut + ".fastq.gz", compressed.AsSpan(0, cut).ToArray()), cut);
    }

    [Fact]
    public void GzipOutputCutInsideAMemberItsTrailerOrTheNextHeaderIsTruncated()
    {
        string gzip = Require("gzip", "gzip");
        var first = GzipOf(gzip, Fastq(0, 600));
        var second = GzipOf(gzip, Fastq(600, 400));
        var both = Concat(first, second);
        Assert.Equal(Records, Scan(Write("both.fastq.gz", both)).Records);
        foreach (int cut in new[] { both.Length - 8, both.Length - 3, first.Length + 1, first.Length + 5, first.Length + 12, first.Length - 8, first.Length - 1 })
            AssertEndsEarly(Write("cut" + cut + ".fastq.gz", both.AsSpan(0, cut).ToArray()), cut);
        // Cut anywhere inside the deflate data.
        for (int cut = 11; cut < first.Length - 8; cut += 997)
            AssertEndsEarly(Write("cut" + cut + ".fastq.gz", first.AsSpan(0, cut).ToArray()), cut);
    }

    private byte[] GzipOf(string gzip, byte[] data)
    {
        string path = Write("part" + Guid.NewGuid().ToString("N") + ".fastq", data);
        var (exit, output, stderr) = Run(gzip, "-c", "-n", path);
        Assert.True(exit == 0, stderr);
        return output;
    }

    [Fact]
    public void AWrongCrcIsCorruptAtTheTrailer()
    {
        var member = Member(Fastq(0, Records));
        member[member.Length - 8] ^= 0x01;
        Assert.Equal(member.Length - 8, AssertCorrupt(Write("crc.fastq.gz", member), "CRC-32"));
    }

    [Fact]
    public void AWrongLengthIsCorruptAtTheTrailer()
    {
        var member = Member(Fastq(0, Records));
        member[member.Length - 4] ^= 0x01;
        Assert.Equal(member.Length - 4, AssertCorrupt(Write("isize.fastq.gz", member), "its trailer says"));
    }

    [Fact]
    public void GarbageInTheMiddleIsCorruptAtAnOffsetAfterIt()
    {
        var member = Member(Fastq(0, 4 * Records));
        var random = new Random(7);
        for (int trial = 0; trial < 12; trial++)
        {
            var damaged = (byte[])member.Clone();
            int at = random.Next(100, damaged.Length - 300);
            for (int i = at; i < at + 64; i++) damaged[i] = (byte)random.Next(256);
            long reported = AssertCorrupt(Write("garbage" + trial + ".fastq.gz", damaged));
            Assert.InRange(reported, at, damaged.Length);
        }
    }

    [Fact]
    public void InvalidContentInValidGzipIsStillReportedAtItsLine()
    {
        var data = Fastq(0, Records);
        data[5 * RecordBytes + 200] = (byte)' '; // a space in record 6's quality line (line 24)
        var error = Failure(Write("bad.fastq.gz", Member(data)));
        Assert.Equal(24, error.Line);
        Assert.DoesNotContain("gzip", error.Message);
    }

    [Fact]
    public void TrailingGarbageIsAWarningAndEveryReadCounts()
    {
        var member = Member(Fastq(0, Records));
        var scan = Scan(Write("tail.fastq.gz", Concat(member, Encoding.ASCII.GetBytes("this is not gzip\n"))));
        Assert.Equal(Records, scan.Records);
        Assert.NotNull(scan.Warning);
        Assert.Contains("17 bytes after the last gzip member (from compressed byte " + member.Length + ")", scan.Warning);
        Assert.Null(Scan(Write("clean.fastq.gz", member)).Warning);
    }

    [Fact]
    public void TrailingZerosAreIgnoredAsGzipDoes()
    {
        var scan = Scan(Write("zeros.fastq.gz", Concat(Member(Fastq(0, Records)), new byte[1000])));
        Assert.Equal(Records, scan.Records);
        Assert.Null(scan.Warning);
    }

    [Fact]
    public void BgzfWithItsEndOfFileBlockReadsFullyAndCutAtAnyBlockBoundaryIsTruncated()
    {
        var data = Fastq(0, Records);
        var bgzf = Bgzf(data, endOfFileBlock: true, out var blockEnds);
        Assert.True(blockEnds.Count >= 4);
        var scan = Scan(Write("reads.fastq.bgz", bgzf));
        Assert.Equal(Records, scan.Records);
        Assert.Null(scan.Warning);
        foreach (int cut in blockEnds)
        {
            string path = Write("cut" + cut + ".fastq.gz", bgzf.AsSpan(0, cut).ToArray());
            AssertEndsEarly(path, cut);
            Assert.Contains("BGZF", Failure(path).Message);
        }
    }

    [Fact]
    public void BgzipOutputReadsFullyAndCutAtABlockBoundaryIsTruncated()
    {
        string bgzip = Require("bgzip", "tabix");
        string plain = Write("reads.fastq", Fastq(0, 2 * Records));
        var (exit, compressed, stderr) = Run(bgzip, "-c", plain);
        Assert.True(exit == 0, stderr);
        Assert.Equal(2 * Records, Scan(Write("reads.fastq.gz", compressed)).Records);
        // Block boundaries from each block's BSIZE (bytes 16-17 of its header: size - 1).
        var ends = new List<int>();
        for (int at = 0; at < compressed.Length; at += (compressed[at + 16] | compressed[at + 17] << 8) + 1) ends.Add(at);
        Assert.True(ends.Count >= 4, "bgzip wrote " + ends.Count + " blocks");
        Assert.Equal(compressed.Length - BgzfEndOfFile.Length, ends[^1]);
        Assert.Equal(BgzfEndOfFile, compressed.AsSpan(ends[^1]).ToArray());
        foreach (int cut in ends.Skip(1))
        {
            string path = Write("cut" + cut + ".fastq.gz", compressed.AsSpan(0, cut).ToArray());
            AssertEndsEarly(path, cut);
            // htslib itself only warns about such a file.
            var (_, _, warning) = Run(bgzip, "-d", "-c", path);
            Assert.Contains("EOF marker is absent", warning);
        }
    }

    [Fact]
    public void ConcatenatedMembersReadFully()
    {
        var parts = new[] { Fastq(0, 300), Array.Empty<byte>(), Fastq(300, 200), Fastq(500, 500) };
        var file = Concat(Member(parts[0]), Member(parts[1]), Member(parts[2]), Bgzf(parts[3], endOfFileBlock: true, out _));
        var scan = Scan(Write("members.fastq.gz", file));
        Assert.Equal(Records, scan.Records);
        Assert.Null(scan.Warning);
        QualityFiles.AssertSame(QualityFiles.Read(Write("plain.fastq", Fastq(0, Records))).Histogram, QualityFiles.Read(Path.Combine(_directory, "members.fastq.gz")).Histogram);

        if (Which("gzip") is string gzip)
            Assert.Equal(Records, Scan(Write("gzip-members.fastq.gz", Concat(GzipOf(gzip, Fastq(0, 500)), GzipOf(gzip, Fastq(500, 500))))).Records);
    }

    /// <summary>
    /// Every case above that gzip can judge, judged the same: gzip -t exits 0 (fine), 2 (a warning: trailing
    /// garbage) or 1 (an error). BGZF without its end block is the one difference: valid gzip to gzip, truncated here.
    /// </summary>
    [Fact]
    public void EveryCaseAgreesWithGzipT()
    {
        string gzip = Require("gzip", "gzip");
        var data = Fastq(0, Records);
        var member = Member(data, out var flushes, new[] { 400 * RecordBytes });
        var wrongCrc = (byte[])member.Clone();
        wrongCrc[^8] ^= 0x80;
        var wrongLength = (byte[])member.Clone();
        wrongLength[^1] ^= 0x01;
        var garbage = (byte[])member.Clone();
        for (int i = member.Length / 2; i < member.Length / 2 + 64; i++) garbage[i] = (byte)(i * 37);
        var cases = new (string Name, byte[] Bytes)[]
        {
            ("whole", member),
            ("cut at flush", member.AsSpan(0, flushes[0]).ToArray()),
            ("no trailer", member.AsSpan(0, member.Length - 8).ToArray()),
            ("half trailer", member.AsSpan(0, member.Length - 4).ToArray()),
            ("wrong crc", wrongCrc),
            ("wrong length", wrongLength),
            ("garbage in the middle", garbage),
            ("trailing garbage", Concat(member, Encoding.ASCII.GetBytes("garbage"))),
            ("trailing zeros", Concat(member, new byte[100])),
            ("next header cut", Concat(member, member.AsSpan(0, 6).ToArray())),
            ("lone 1f after a member", Concat(member, new byte[] { 0x1f })),
            ("concatenated", Concat(member, member)),
            ("bgzf", Bgzf(data, endOfFileBlock: true, out _)),
        };
        foreach (var (name, bytes) in cases)
        {
            string path = Write(name.Replace(' ', '-') + ".fastq.gz", bytes);
            int expected = Run(gzip, "-t", path).ExitCode;
            int ours;
            try { ours = Scan(path).Warning == null ? 0 : 2; }
            catch (QualityFormatException) { ours = 1; }
            Assert.True(expected == ours, name + ": gzip -t exits " + expected + ", the module's verdict is " + ours);
        }
    }

    [Fact]
    public void ARunReportsTheBrokenFileByNameWarnsAboutTheTailAndCountsTheRest()
    {
        string directory = Path.Combine(_directory, "set");
        Directory.CreateDirectory(directory);
        var member = Member(Fastq(0, Records));
        File.WriteAllBytes(Path.Combine(directory, "a-good.fastq.gz"), member);
        var withFlush = Member(Fastq(0, Records), out var flushes, new[] { 500 * RecordBytes });
        string cut = Path.Combine(directory, "b-cut.fastq.gz");
        File.WriteAllBytes(cut, withFlush.AsSpan(0, flushes[0]).ToArray());
        string tail = Path.Combine(directory, "c-tail.fastq.gz");
        File.WriteAllBytes(tail, Concat(member, Encoding.ASCII.GetBytes("tail")));

        foreach (int workers in new[] { 1, 2 })
        {
            var summary = QualityDistributionRun.Compute(new[] { QualityInput.FromPath(directory, false) }, new QualityRunOptions { ThrottleLimit = workers }, TestContext.Current.CancellationToken);
            var result = Assert.Single(summary.Distributions);
            Assert.Equal(2 * Records, result.ReadCount);
            Assert.Equal(1, result.FailedFileCount);
            var error = Assert.Single(summary.Errors);
            Assert.Equal(cut, error.Path);
            Assert.Equal(QualityErrorKind.InvalidFile, error.Kind);
            Assert.StartsWith("gzip data ends early (truncated?) at compressed byte " + flushes[0], error.Message);
            var warning = Assert.Single(summary.Warnings);
            Assert.Equal(tail, warning.Path);
            Assert.Contains("4 bytes after the last gzip member", warning.Message);
        }
    }
}
