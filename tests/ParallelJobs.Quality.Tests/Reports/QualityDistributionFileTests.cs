using System.Globalization;
using System.Text;
using ParallelJobs.Parsing;
using ParallelJobs.Quality;
using ParallelJobs.Reports;
using ParallelJobs.Statistics;
using static ParallelJobs.Quality.Tests.TestPaths;

namespace ParallelJobs.Quality.Tests.Reports;

/// <summary>
/// Saving, loading and merging distributions: the saved results of several machines, merged, give the numbers of
/// one run over all their files, bit for bit; a file that cannot be loaded says which file and what is wrong.
/// </summary>
public sealed class QualityDistributionFileTests : IDisposable
{
    private readonly TempDir _temp = new TempDir();

    public void Dispose() => _temp.Dispose();

    private static QualityDistribution RunMerged(IEnumerable<string> files) =>
        Assert.Single(QualityDistributionRun.Compute(files.Select(f => QualityInput.FromPath(f, false)),
            new QualityRunOptions { ThrottleLimit = 2, Merge = true }).Distributions);

    /// <summary>
    /// Every number of a distribution and of each of its rows, as text (doubles round-trip exactly): what "the same
    /// numbers" means. Which process, slot and how long are left out (they describe the run, not the data), and files
    /// are sorted (parts list theirs in their own order).
    /// </summary>
    internal static string Numbers(QualityDistribution d)
    {
        var b = new StringBuilder();
        string R(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        b.Append($"{d.Name}|{d.Path}|files {d.FileCount} failed {d.FailedFileCount}|reads {d.ReadCount} bases {d.BaseCount}|length {d.MinLength}-{d.MaxLength}|");
        b.Append($"mean {R(d.MeanQuality)}|offset {d.PhredOffset?.ToString() ?? "none"} disagree {d.PhredOffsetsDisagree}|bin {d.BinWidth}\n");
        b.Append(string.Join(";", d.Files.OrderBy(f => f, StringComparer.Ordinal))).Append('\n');
        foreach (var p in d.Positions)
            b.Append($"{p.Name} {p.Position}-{p.EndPosition} n={p.Count} mean={R(p.Mean)} {p.Minimum} {p.Percentile10} {p.LowerQuartile} {p.Median} {p.UpperQuartile} {p.Percentile90} {p.Maximum}\n");
        return b.ToString();
    }

    /// <summary>Deals the files out to 1..6 "machines" at random, each saves its -Merge result, and the saved files are loaded and merged.</summary>
    private QualityDistribution SplitSaveLoadMerge(IReadOnlyList<string> files, Random random, bool ownReader)
    {
        int machines = random.Next(1, 7);
        var shares = new List<string>[machines];
        for (int m = 0; m < machines; m++) shares[m] = new List<string>();
        foreach (string file in files) shares[random.Next(machines)].Add(file);
        var loaded = new List<QualityDistribution>();
        for (int m = 0; m < machines; m++)
        {
            if (shares[m].Count == 0) continue;
            string saved = Path.Combine(_temp.Path, "machine" + m + "-" + random.Next() + ".json");
            QualityDistributionFile.Save(saved, new[] { RunMerged(shares[m]) }, overwrite: false);
            loaded.AddRange(QualityDistributionFile.Parse(File.ReadAllBytes(saved), saved, ownReader));
        }
        return QualityDistributionMerge.Merge(loaded);
    }

    private List<string> GeneratedAndFixtureFiles(int minLength, int maxLength)
    {
        var files = QualDataSetGenerator.Write(Path.Combine(_temp.Path, "data"), seed: 7, filesPerDirectory: 2, readsPerFile: 25, minLength, maxLength)
            .SelectMany(d => Directory.GetFiles(d)).ToList();
        // Real FASTQ of both offsets and a .qual (so the offset rule is exercised), and a truncated file, which fails
        // and must count as failed in the merge too.
        files.AddRange(new[] { "small.fastq", "crlf.fastq", "illumina64.fastq", "small.qual", "truncated.fastq" }.Select(f => Fixture(f)));
        files.AddRange(Directory.GetFiles(Fixture("dirs"), "*", SearchOption.AllDirectories).Where(QualityInput.IsQualityFileName));
        return files;
    }

    /// <summary>Three random reads of 150 bp (N bases, lower case, Illumina's range of scores) as FASTQ bytes.</summary>
    private static byte[] SmallFastq(Random random, int part)
    {
        var text = new StringBuilder();
        for (int r = 0; r < 3; r++)
        {
            text.Append("@part").Append(part).Append('.').Append(r).Append('\n');
            for (int i = 0; i < 150; i++) text.Append("ACGTNacgtACGTGC"[random.Next(15)]);
            text.Append("\n+\n");
            for (int i = 0; i < 150; i++) text.Append((char)(33 + 2 + random.Next(40)));
            text.Append('\n');
        }
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private static QualityHistogram Counted(byte[] fastq)
    {
        var histogram = new QualityHistogram { Reads = new ReadMetrics() };
        FastqReader.Read(new LineChunkReader(new MemoryStream(fastq), new byte[1 << 16]), histogram, 33, CancellationToken.None);
        return histogram;
    }

    /// <summary>
    /// The at-scale case of the benchmark: 1000 distributions of 150 bp reads (with the per-read metrics), each saved to its
    /// own file, all loaded and merged, give the numbers of one count over all their reads: every row, and every number of
    /// the FastQC report (quality per read, lengths, GC, N), bit for bit.
    /// </summary>
    [Fact]
    public void AThousandSavedDistributions_LoadedAndMerged_EqualOneCountOfAllTheirReads()
    {
        var random = new Random(1000);
        var all = new MemoryStream();
        var loaded = new List<QualityDistribution>();
        for (int i = 0; i < 1000; i++)
        {
            byte[] fastq = SmallFastq(random, i);
            all.Write(fastq);
            string saved = Path.Combine(_temp.Path, "part" + i + ".json");
            QualityDistributionFile.Save(saved, new[] { QualityDistribution.FromHistogram("Merged", "", Counted(fastq)) }, overwrite: false);
            loaded.AddRange(QualityDistributionFile.Load(saved));
        }
        var merged = QualityDistributionMerge.Merge(loaded);
        var whole = QualityDistribution.FromHistogram("Merged", "", Counted(all.ToArray()));

        Assert.Equal(3000, merged.ReadCount);
        Assert.Equal(whole.BaseCount, merged.BaseCount);
        Assert.Equal(Numbers(whole).Split('\n').Skip(2), Numbers(merged).Split('\n').Skip(2));
        Assert.Equal(whole.MeanQuality.ToString("R", CultureInfo.InvariantCulture), merged.MeanQuality.ToString("R", CultureInfo.InvariantCulture));
        Assert.Equal(FastQcReport.Format(whole), FastQcReport.Format(merged));
    }

    [Fact]
    public void RandomSplits_SavedLoadedAndMerged_GiveTheNumbersOfOneRunOverAllFiles()
    {
        var files = GeneratedAndFixtureFiles(50, 200);
        var whole = RunMerged(files);
        Assert.True(whole.FailedFileCount >= 1, "the truncated fixture should fail");
        Assert.True(whole.PhredOffsetsDisagree, "Phred+33 and +64 fixtures together have no single offset");
        string expected = Numbers(whole);
        var random = new Random(20240601);
        for (int trial = 0; trial < 8; trial++)
            Assert.Equal(expected, Numbers(SplitSaveLoadMerge(files, random, ownReader: trial % 2 == 0)));
    }

    [Fact]
    public void RandomSplits_OfLongReads_RecomputeTheBinsFromTheMergedCounts()
    {
        // Reads up to 20 kb are binned (more than MaxColumns positions); shares with only short reads are not, so
        // the parts have different bin widths and the merge must coarsen counts, not add binned rows.
        var files = GeneratedAndFixtureFiles(3000, 20000);
        files.AddRange(QualDataSetGenerator.Write(Path.Combine(_temp.Path, "short"), seed: 8, filesPerDirectory: 1, readsPerFile: 20, 30, 150)
            .SelectMany(d => Directory.GetFiles(d)));
        var whole = RunMerged(files);
        Assert.True(whole.BinWidth >= 4, "reads of 20 kb are binned");
        string expected = Numbers(whole);
        var random = new Random(99);
        for (int trial = 0; trial < 6; trial++)
        {
            var merged = SplitSaveLoadMerge(files, random, ownReader: trial % 2 == 1);
            Assert.Equal(expected, Numbers(merged));
        }
        // A share of short reads only, merged with one of long reads: different widths, coarsened exactly.
        var shortOnly = RunMerged(files.Where(f => f.Contains(Path.DirectorySeparatorChar + "short" + Path.DirectorySeparatorChar)));
        var longOnly = RunMerged(files.Where(f => !f.Contains(Path.DirectorySeparatorChar + "short" + Path.DirectorySeparatorChar)));
        Assert.Equal(1, shortOnly.BinWidth);
        Assert.True(longOnly.BinWidth > 1);
        // Both orders: the short part coarsened when added, or the sum so far coarsened when the long part comes.
        Assert.Equal(expected, Numbers(QualityDistributionMerge.Merge(new[] { shortOnly, longOnly })));
        Assert.Equal(expected, Numbers(QualityDistributionMerge.Merge(new[] { longOnly, shortOnly })));
    }

    [Fact]
    public void SavedFile_LoadsWithBothReaders_ToTheSameNumbers_AndSavesAgainToTheSameBytes()
    {
        var inputs = QualDataSetGenerator.Write(_temp.Path, seed: 3, filesPerDirectory: 1, readsPerFile: 10, 40, 60).Select(d => QualityInput.FromPath(d, false));
        var distributions = QualityDistributionRun.Compute(inputs, new QualityRunOptions { ThrottleLimit = 2 }, TestContext.Current.CancellationToken).Distributions.OrderBy(d => d.Name).ToList();
        // A name with characters JSON must escape (a merge names its rows too).
        distributions[0] = QualityDistributionMerge.Merge(new[] { distributions[0] }, "quote \" back\\slash tab\t é 中 \u0001");
        string text = QualityDistributionFile.Format(distributions);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var own = QualityDistributionFile.Parse(bytes, "x.json", ownReader: true);
        var system = QualityDistributionFile.Parse(bytes, "x.json", ownReader: false);
        Assert.Equal(distributions.Count, own.Count);
        for (int i = 0; i < distributions.Count; i++)
        {
            Assert.Equal(Numbers(distributions[i]), Numbers(own[i]));
            Assert.Equal(Numbers(distributions[i]), Numbers(system[i]));
            Assert.Equal(distributions[i].Duration, own[i].Duration);
            Assert.Equal(distributions[i].Slots, own[i].Slots);
            Assert.Equal(distributions[i].ProcessId, system[i].ProcessId);
        }
        Assert.Equal(text, QualityDistributionFile.Format(own));
        Assert.Equal(text, QualityDistributionFile.Format(system));
    }

    public static TheoryData<string, string, string> BadFiles() => new()
    {
        { "wrong-version", "{\"format\": \"ParallelJobs.QualityDistribution\", \"version\": 3, \"distributions\": []}", "is version 3 of the quality distribution format; this module reads versions 1 to 2" },
        { "wrong-kind", "{\"format\": \"SomethingElse\", \"version\": 1}", "is not a saved quality distribution: its format is \"SomethingElse\"" },
        { "no-format", "[1, 2, 3]", "is not a saved quality distribution" },
        { "fastq", "@read1\nACGT\n+\nIIII\n", "is not valid JSON" },
        { "empty", "", "is not valid JSON" },
        { "miscount", Valid().Replace("\"baseCount\": 6", "\"baseCount\": 7"), "distribution 1 (x) its columns count 6 scores, but \"baseCount\" is 7" },
        { "bin-width", Valid().Replace("\"binWidth\": 1", "\"binWidth\": 2"), "\"binWidth\" is 2, but reads of up to 3 bases are binned by 1" },
        { "score-range", Valid().Replace("[30, 2]", "[93, 1, 1]"), "holds scores outside 0..93" },
        { "fraction", Valid().Replace("\"readCount\": 2", "\"readCount\": 2.5"), "not whole" },
    };

    /// <summary>A small valid file: two reads of 3 bases, scores 30 and 40.</summary>
    private static string Valid() =>
        "{\"format\": \"ParallelJobs.QualityDistribution\", \"version\": 1, \"distributions\": [{\"name\": \"x\", \"path\": \"\", \"files\": [], " +
        "\"fileCount\": 1, \"failedFileCount\": 0, \"phredOffset\": null, \"phredOffsetsDisagree\": false, \"processId\": 1, \"slot\": 0, \"slots\": [0], " +
        "\"durationTicks\": 0, \"readCount\": 2, \"baseCount\": 6, \"minLength\": 3, \"maxLength\": 3, \"binWidth\": 1, " +
        "\"columns\": [[30, 2], [30, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], [40, 2]]}]}";

    [Fact]
    public void TheSmallValidFile_Loads()
    {
        foreach (bool own in new[] { true, false })
        {
            var d = Assert.Single(QualityDistributionFile.Parse(Encoding.UTF8.GetBytes(Valid()), "v.json", own));
            Assert.Equal(2, d.ReadCount);
            Assert.Equal(new[] { 30, 35, 40 }, d.Positions.Select(p => (int)Math.Round(p.Mean)).ToArray());
            Assert.Equal(35.0, d.MeanQuality);
        }
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadFile_IsAnErrorNamingTheFileAndTheProblem_WithBothReaders(string name, string content, string problem)
    {
        string path = Path.Combine(_temp.Path, name + ".json");
        File.WriteAllText(path, content);
        foreach (bool own in new[] { true, false })
        {
            var e = Assert.Throws<QualityDistributionFileException>(() => QualityDistributionFile.Parse(File.ReadAllBytes(path), path, own));
            Assert.StartsWith(path + ": ", e.Message);
            Assert.Contains(problem, e.Message);
        }
    }

    [Fact]
    public void TruncatedFile_IsAnErrorNamingTheFile_WhereverItIsCut()
    {
        var d = RunMerged(new[] { Fixture("small.fastq"), Fixture("small.qual") });
        byte[] whole = Encoding.UTF8.GetBytes(QualityDistributionFile.Format(new[] { d }));
        string path = Path.Combine(_temp.Path, "cut.json");
        // Every cut except at the very end of the JSON (the last bytes are a closing brace and a newline).
        for (int length = 0; length < whole.Length - 2; length += 7)
        {
            File.WriteAllBytes(path, whole.AsSpan(0, length).ToArray());
            foreach (bool own in new[] { true, false })
            {
                var e = Assert.Throws<QualityDistributionFileException>(() => QualityDistributionFile.Parse(File.ReadAllBytes(path), path, own));
                Assert.StartsWith(path + ": is not valid JSON", e.Message);
            }
        }
    }

    [Fact]
    public void Load_OfAMissingFile_NamesIt()
    {
        string path = Path.Combine(_temp.Path, "absent.json");
        var e = Assert.Throws<QualityDistributionFileException>(() => QualityDistributionFile.Load(path));
        Assert.StartsWith(path + ": cannot be read", e.Message);
    }
}
