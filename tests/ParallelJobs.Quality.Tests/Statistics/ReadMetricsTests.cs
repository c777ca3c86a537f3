using System.Text;
using ParallelJobs.Parsing;
using ParallelJobs.Reports;
using ParallelJobs.Statistics;

namespace ParallelJobs.Quality.Tests.Statistics;

/// <summary>
/// Per-read metrics: the parsers' numbers (fast path and line by line, any buffer size) against a plain reference
/// computed from the records as strings; merging parts equals one run, also for long reads whose positions are
/// binned; the saved file keeps them exactly; and without -PerRead nothing is collected.
/// </summary>
public sealed class ReadMetricsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pj-reads-" + Guid.NewGuid().ToString("N"));

    public ReadMetricsTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private sealed record Read(string Sequence, string Quality);

    /// <summary>Valid records, some wrapped over two lines, lower case and N bases, lengths 0..3000.</summary>
    private static (byte[] Data, List<Read> Reads) Document(Random random, int records, int maxLength)
    {
        var reads = new List<Read>();
        var text = new StringBuilder();
        for (int r = 0; r < records; r++)
        {
            int length = random.Next(6) == 0 ? random.Next(0, maxLength + 1) : Math.Min(maxLength, 150);
            var seq = new StringBuilder();
            for (int i = 0; i < length; i++) seq.Append("ACGTNacgtnACGTACGTGC"[random.Next(20)]);
            var qual = new StringBuilder();
            for (int i = 0; i < length; i++) qual.Append((char)random.Next(35, 75));
            reads.Add(new Read(seq.ToString(), qual.ToString()));
            text.Append("@r").Append(r).Append('\n');
            if (random.Next(5) == 0 && length > 2)
            {
                int cut = random.Next(1, length);
                text.Append(seq.ToString(0, cut)).Append('\n').Append(seq.ToString(cut, length - cut)).Append("\n+\n");
            }
            else text.Append(seq).Append("\n+\n");
            text.Append(qual).Append('\n');
        }
        return (Encoding.ASCII.GetBytes(text.ToString()), reads);
    }

    private static QualityHistogram Parse(byte[] data, bool fastPath, int bufferSize)
    {
        var histogram = new QualityHistogram { Reads = new ReadMetrics() };
        FastqReader.Read(new LineChunkReader(new MemoryStream(data), new byte[bufferSize]), histogram, 33, CancellationToken.None, fastPath);
        return histogram;
    }

    /// <summary>The simple reference: FastQC's definitions applied to each read as a string.</summary>
    private static string Reference(List<Read> reads)
    {
        var mean = new long[94];
        var lengths = new SortedDictionary<int, long>();
        var bases = new long[6];
        var gc = new SortedDictionary<(int, int), long>();
        int maxLength = reads.Count == 0 ? 0 : reads.Max(r => r.Sequence.Length);
        int shift = QualityCounts.ShiftFor(maxLength);
        var n = new long[maxLength == 0 ? 0 : ((maxLength - 1) >> shift) + 1];
        foreach (var read in reads)
        {
            int length = read.Sequence.Length;
            lengths[length] = lengths.GetValueOrDefault(length) + 1;
            string upper = read.Sequence.ToUpperInvariant();
            for (int i = 0; i < length; i++)
            {
                int k = "ACGTN".IndexOf(upper[i]);
                bases[k < 0 ? 5 : k]++;
                if (upper[i] == 'N') n[i >> shift]++;
            }
            if (length == 0) continue;
            mean[read.Quality.Sum(c => (int)c) / length - 33]++;
            int truncated = length > 1000 ? length / 1000 * 1000 : length > 100 ? length / 100 * 100 : length;
            int g = upper.Substring(0, truncated).Count(c => c == 'G' || c == 'C');
            gc[(truncated, g)] = gc.GetValueOrDefault((truncated, g)) + 1;
        }
        return "mean " + string.Join(",", mean) + "\nlengths " + string.Join(",", lengths) + "\nbases " + string.Join(",", bases)
            + "\nn " + string.Join(",", n) + "\ngc " + string.Join(",", gc);
    }

    private static string Describe(ReadMetrics m) =>
        "mean " + string.Join(",", m.MeanQualityCounts) + "\nlengths " + string.Join(",", m.Lengths().Select(p => "[" + p.Key + ", " + p.Value + "]"))
        + "\nbases " + string.Join(",", m.BaseCounts) + "\nn " + string.Join(",", m.NCounts())
        + "\ngc " + string.Join(",", m.GcCounts().Select(t => "[(" + t[0] + ", " + t[1] + "), " + t[2] + "]"));

    [Fact]
    public void FastPathAndLineByLineGiveTheReferenceNumbers()
    {
        var random = new Random(20261203);
        for (int doc = 0; doc < 40; doc++)
        {
            var (data, reads) = Document(random, random.Next(0, 80), doc % 4 == 0 ? 3000 : 300);
            string expected = Reference(reads);
            foreach (int bufferSize in new[] { 1 << 20, 512, 64 })
            {
                foreach (bool fast in new[] { true, false })
                {
                    var histogram = Parse(data, fast, bufferSize);
                    Assert.True(expected == Describe(histogram.Reads!), $"document {doc}, buffer {bufferSize}, fast path {fast}:\n{expected}\n---\n{Describe(histogram.Reads!)}");
                    Assert.Equal(histogram.ReadCount, histogram.Reads!.ReadCount);
                }
            }
        }
    }

    [Fact]
    public void WithoutPerReadNothingIsCollected()
    {
        var (data, _) = Document(new Random(1), 20, 150);
        string file = Path.Combine(_root, "a.fastq");
        File.WriteAllBytes(file, data);
        var plain = QualityDistributionRun.Compute(new[] { QualityInput.FromPath(file, false) }, new QualityRunOptions { ThrottleLimit = 1 }, TestContext.Current.CancellationToken);
        Assert.Null(plain.Distributions[0].Reads);
        var perRead = QualityDistributionRun.Compute(new[] { QualityInput.FromPath(file, false) }, new QualityRunOptions { ThrottleLimit = 1, PerRead = true }, TestContext.Current.CancellationToken);
        Assert.NotNull(perRead.Distributions[0].Reads);
        Assert.Equal(20, perRead.Distributions[0].Reads!.LengthCounts.Sum(r => r.Count));
    }

    [Theory]
    [InlineData(300)]
    [InlineData(20000)] // long reads: positions binned (20000 > 4096), so N per position is binned too
    public void MergedPartsEqualOneRunAndSurviveTheFile(int maxLength)
    {
        var random = new Random(maxLength);
        var files = new List<string>();
        for (int f = 0; f < 7; f++)
        {
            string path = Path.Combine(_root, "part" + f + ".fastq");
            // Only some files hold the longest reads, so the parts have different bin widths.
            File.WriteAllBytes(path, Document(random, random.Next(1, 40), f % 3 == 0 ? maxLength : 200).Data);
            files.Add(path);
        }
        var options = new QualityRunOptions { ThrottleLimit = 2, PerRead = true, Merge = true };
        var one = QualityDistributionRun.Compute(files.Select(p => QualityInput.FromPath(p, false)), options, TestContext.Current.CancellationToken).Distributions[0];
        for (int trial = 0; trial < 5; trial++)
        {
            var shuffled = files.OrderBy(_ => random.Next()).ToList();
            int cut = random.Next(1, shuffled.Count);
            var parts = new[] { shuffled.Take(cut), shuffled.Skip(cut) }
                .Select(set => QualityDistributionRun.Compute(set.Select(p => QualityInput.FromPath(p, false)), options, TestContext.Current.CancellationToken).Distributions[0])
                .ToList();
            // Through the saved file and back, then merged.
            string saved = QualityDistributionFile.Format(parts);
            var loaded = QualityDistributionFile.Parse(Encoding.UTF8.GetBytes(saved), "parts.json", ownReader: true);
            var merged = QualityDistributionMerge.Merge(loaded);
            Assert.Equal(Describe(one.Reads!.Metrics), Describe(merged.Reads!.Metrics));
            Assert.Equal(one.Reads.N50, merged.Reads.N50);
            Assert.Equal(one.Reads.GcContent, merged.Reads.GcContent);
            Assert.Equal(one.Reads.NContent.Select(r => (r.Position, r.EndPosition, r.Count, r.Percent)), merged.Reads.NContent.Select(r => (r.Position, r.EndPosition, r.Count, r.Percent)));
            Assert.Equal(one.Q30Fraction, merged.Q30Fraction);
        }
        if (maxLength > QualityHistogram.MaxColumns) Assert.True(one.BinWidth > 1);
    }

    [Fact]
    public void AVersionOneFileStillLoadsWithoutPerReadMetrics()
    {
        var (data, _) = Document(new Random(2), 10, 100);
        string file = Path.Combine(_root, "v1.fastq");
        File.WriteAllBytes(file, data);
        var d = QualityDistributionRun.Compute(new[] { QualityInput.FromPath(file, false) }, new QualityRunOptions { ThrottleLimit = 1 }, TestContext.Current.CancellationToken).Distributions[0];
        string v1 = QualityDistributionFile.Format(new[] { d }).Replace("\"version\": 2", "\"version\": 1", StringComparison.Ordinal);
        var loaded = QualityDistributionFile.Parse(Encoding.UTF8.GetBytes(v1), "v1.json", ownReader: true);
        Assert.Null(loaded[0].Reads);
        Assert.Equal(d.ReadCount, loaded[0].ReadCount);
    }

    [Fact]
    public void SummaryNumbersFollowTheirDefinitions()
    {
        // Reads of 10, 20, 30 and 40 bases: 100 bases, half of them in reads of at least 30 (N50 = 30).
        var text = new StringBuilder();
        foreach (int length in new[] { 10, 20, 30, 40 })
            text.Append("@r\n").Append(new string('G', length / 2)).Append(new string('A', length / 2)).Append("\n+\n").Append(new string('5', length)).Append('\n');
        var histogram = Parse(Encoding.ASCII.GetBytes(text.ToString()), true, 1 << 16);
        var d = QualityDistribution.FromHistogram("x", "", histogram);
        Assert.Equal(30, d.Reads!.N50);
        Assert.Equal(new[] { 40, 30, 20, 10 }, d.Reads.LongestReads);
        Assert.Equal(50, d.Reads.GcPercent);
        Assert.Equal(20, Assert.Single(d.Reads.MeanQuality).Quality); // '5' = Q20
        Assert.Equal(1.0, d.Q20Fraction);
        Assert.Equal(0.0, d.Q30Fraction);
    }
}
