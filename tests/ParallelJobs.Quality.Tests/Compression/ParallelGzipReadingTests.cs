using ParallelJobs.Compression;
using ParallelJobs.Parsing;
using ParallelJobs.Quality;
using static ParallelJobs.Quality.Tests.Compression.GzipTestFiles;

namespace ParallelJobs.Quality.Tests.Compression;

/// <summary>
/// Decompression on threads beside the parser: the read-ahead of one gzip stream and the parallel decoding of
/// BGZF blocks hand out exactly the bytes, and exactly where the data goes wrong, of reading the file alone.
/// </summary>
public sealed class ParallelGzipReadingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pj-gzip-parallel-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] ReadAll(Stream stream, int chunk)
    {
        var all = new MemoryStream();
        var buffer = new byte[chunk];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0) all.Write(buffer, 0, n);
        return all.ToArray();
    }

    /// <summary>A stream of known bytes that throws after them, like a gzip reader meeting damaged data.</summary>
    private sealed class FailingStream(byte[] data, Exception failure) : Stream
    {
        private int _at;
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_at == data.Length) throw failure;
            int n = Math.Min(Math.Min(count, 100_000), data.Length - _at);
            Array.Copy(data, _at, buffer, offset, n);
            _at += n;
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _at; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void ReadAheadHandsOutEveryByteThenTheSourcesException()
    {
        var data = Fastq(0, 12_000); // about 3 MB: several read-ahead buffers
        var failure = GzipDataException.EndsEarly(12345, "the file ends inside a member's compressed data");
        using var ahead = new ReadAheadStream(new FailingStream(data, failure));
        var got = new MemoryStream();
        var buffer = new byte[70_000];
        var thrown = Assert.Throws<GzipDataException>(() =>
        {
            int n;
            while ((n = ahead.Read(buffer, 0, buffer.Length)) > 0) got.Write(buffer, 0, n);
        });
        Assert.Same(failure, thrown);
        Assert.Equal(data, got.ToArray());
    }

    [Fact]
    public void ReadAheadOfAWholeGzipFileGivesItsBytes()
    {
        var data = Fastq(0, 10_000);
        using var file = new MemoryStream(Member(data));
        using var gzip = new GzipReader(file);
        using var ahead = new ReadAheadStream(gzip);
        Assert.Equal(data, ReadAll(ahead, 65_536));
        Assert.Equal(1, gzip.Members);
    }

    [Fact]
    public void ReadAheadStoppedEarlyLeavesTheSourceUsable()
    {
        var data = Fastq(0, 12_000);
        using var file = new MemoryStream(Member(data));
        using var gzip = new GzipReader(file);
        var first = new byte[1000];
        using (var ahead = new ReadAheadStream(gzip))
        {
            Assert.Equal(1000, ahead.Read(first, 0, 1000));
            ahead.StopReadingAhead();
        }
        // The source stopped between two of its reads: what it hands out next follows what was read ahead.
        long position = gzip.UncompressedLength;
        Assert.True(position >= 1000 && position <= data.Length);
        var rest = ReadAll(gzip, 65_536);
        Assert.Equal(data.AsSpan((int)position).ToArray(), rest);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void BgzfBlocksDecodedInParallelComeBackInOrder(int decoders)
    {
        var data = Fastq(0, 20_000); // 5 MB: 86 blocks, several groups of blocks per decoder
        string path = Write("reads.fastq.gz", Bgzf(data, endOfFileBlock: true, out _));
        using var file = File.OpenRead(path);
        Assert.True(BgzfParallelStream.StartsWithBgzfBlock(file));
        using var blocks = new BgzfParallelStream(file, decoders);
        Assert.Equal(data, ReadAll(blocks, 100_000));
    }

    [Fact]
    public void PlainGzipIsNotTakenForBgzf()
    {
        using var file = File.OpenRead(Write("plain.fastq.gz", Member(Fastq(0, 100))));
        Assert.False(BgzfParallelStream.StartsWithBgzfBlock(file));
        Assert.Equal(0, file.Position);
    }

    [Fact]
    public void BgzfThatStopsBeingPlainBgzfThrowsAfterTheGoodBlocks()
    {
        var data = Fastq(0, 20_000);
        var bgzf = Bgzf(data, endOfFileBlock: true, out var blockEnds);
        var damaged = (byte[])bgzf.Clone();
        damaged[blockEnds[40] + 100] ^= 0xff; // inside block 41's deflate data
        var cases = new (string Name, byte[] Bytes, int GoodBlocks)[]
        {
            ("cut after a block", bgzf.AsSpan(0, blockEnds[50]).ToArray(), 50),
            ("cut inside a block", bgzf.AsSpan(0, blockEnds[50] + 1000).ToArray(), 50),
            ("damaged block", damaged, 40),
            ("bytes after the end block", Concat(bgzf, new byte[] { 1, 2, 3 }), blockEnds.Count),
        };
        foreach (var (name, bytes, goodBlocks) in cases)
        {
            using var file = File.OpenRead(Write(name.Replace(' ', '-') + ".gz", bytes));
            using var blocks = new BgzfParallelStream(file, 2);
            var got = new MemoryStream();
            var buffer = new byte[100_000];
            Assert.Throws<NotPlainBgzfException>(() =>
            {
                int n;
                while ((n = blocks.Read(buffer, 0, buffer.Length)) > 0) got.Write(buffer, 0, n);
            });
            // What came before the defect is the data's own start (a group of blocks comes whole or not at all).
            Assert.True(got.Length <= goodBlocks * 60_000L, name);
            Assert.Equal(data.AsSpan(0, (int)got.Length).ToArray(), got.ToArray());
        }
    }

    /// <summary>
    /// A run of two workers on one large gzip file and on one large BGZF file: the idle worker's core decompresses,
    /// and the numbers are those of one worker and of the plain file.
    /// </summary>
    [Fact]
    public void OneLargeGzipOrBgzfFileWithTwoWorkersCountsAsTheFileAlone()
    {
        var data = Fastq(0, 24_000); // 6 MB, more than a megabyte compressed
        string plain = Path.Combine(_directory, "plain");
        Directory.CreateDirectory(plain);
        File.WriteAllBytes(Path.Combine(plain, "reads.fastq"), data);
        var expected = QualityDistributionRun.Compute(new[] { QualityInput.FromPath(plain, false) }, new QualityRunOptions { ThrottleLimit = 1 }, TestContext.Current.CancellationToken);
        foreach (var (name, bytes) in new[] { ("gz", Member(data)), ("bgzf", Bgzf(data, endOfFileBlock: true, out _)) })
        {
            Assert.True(bytes.Length >= QualityFileReader.ReadAheadMinimumBytes, name + " is too small to be read with helpers");
            string directory = Path.Combine(_directory, name);
            Directory.CreateDirectory(directory);
            File.WriteAllBytes(Path.Combine(directory, "reads.fastq.gz"), bytes);
            foreach (int workers in new[] { 1, 2, 3 })
            {
                var summary = QualityDistributionRun.Compute(new[] { QualityInput.FromPath(directory, false) }, new QualityRunOptions { ThrottleLimit = workers }, TestContext.Current.CancellationToken);
                Assert.Empty(summary.Errors);
                var result = Assert.Single(summary.Distributions);
                Assert.Equal(expected.Distributions[0].ReadCount, result.ReadCount);
                Assert.Equal(expected.Distributions[0].BaseCount, result.BaseCount);
                Assert.Equal(expected.Distributions[0].Positions.Select(p => (p.Mean, p.Median, p.Count)), result.Positions.Select(p => (p.Mean, p.Median, p.Count)));
            }
        }
    }
}
