using System.Text;
using ParallelJobs.Quality;
using ParallelJobs.Parsing;
using ParallelJobs.Statistics;

namespace ParallelJobs.Quality.Tests.Quality;

/// <summary>
/// Many small .qual files (Sanger clones: a few reads each), which a worker records and counts into a running total
/// of its own instead of a histogram per file: the numbers must be those of the simplest reading of the same files,
/// with any number of workers, and a file with a defect must leave nothing behind in the totals.
/// </summary>
public sealed class SmallQualFilesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pj-smallqual-" + Guid.NewGuid().ToString("N"));

    public SmallQualFilesTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static QualityRunSummary Compute(IEnumerable<QualityInput> inputs, int throttle, bool merge = false, bool perRead = false) =>
        QualityDistributionRun.Compute(inputs, new QualityRunOptions { ThrottleLimit = throttle, Merge = merge, PerRead = perRead });

    /// <summary>
    /// The simplest reading of .qual text: lines; '>' starts a read; every other line (after the first header) is
    /// whitespace-separated integers, counted one at a time at positions 0, 1, ...
    /// </summary>
    private static void AddByReference(QualityHistogram histogram, string path, List<int>? lengths = null)
    {
        int position = -1; // -1: before the first header
        foreach (string line in File.ReadAllText(path).Split('\n'))
        {
            if (line.StartsWith('>'))
            {
                if (position >= 0) EndRead(position);
                position = 0;
                continue;
            }
            if (position < 0) continue;
            foreach (string token in line.Split(new[] { ' ', '\t', '\r', '\v', '\f' }, StringSplitOptions.RemoveEmptyEntries))
                histogram.AddScore(position++, int.Parse(token, System.Globalization.CultureInfo.InvariantCulture));
        }
        if (position >= 0) EndRead(position);

        void EndRead(int length)
        {
            histogram.AddRead(length);
            lengths?.Add(length);
        }
    }

    /// <summary>What a run must give for these files of one input: .qual by the reference, anything else as a file of its own.</summary>
    private static QualityDistribution Expected(string name, string path, IEnumerable<string> files, int fileCount, int failedFileCount)
    {
        var histogram = new QualityHistogram();
        AddExpected(histogram, files);
        var expected = QualityDistribution.FromHistogram(name, path, histogram);
        expected.FileCount = fileCount;
        expected.FailedFileCount = failedFileCount;
        return expected;
    }

    private static void AddExpected(QualityHistogram histogram, IEnumerable<string> files)
    {
        foreach (string file in files)
        {
            if (file.EndsWith(".qual", StringComparison.Ordinal)) AddByReference(histogram, file);
            else histogram.Add(QualityFiles.Scores(file));
        }
    }

    /// <summary>One read's scores in a random layout: mostly the usual one (single spaces, 25 to a line), sometimes tabs, runs of spaces, CRLF, leading zeros.</summary>
    private static void AppendRead(StringBuilder text, Random random, string title, int length, bool unusual)
    {
        text.Append('>').Append(title).Append(" length=").Append(length).Append(unusual && random.Next(2) == 0 ? "\r\n" : "\n");
        for (int i = 0; i < length; i++)
        {
            int score = random.Next(0, unusual ? 94 : 61);
            text.Append(unusual && random.Next(30) == 0 ? score.ToString("D3") : score.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (i == length - 1) text.Append(!unusual ? "\n" : random.Next(3) switch { 0 => "\r\n", 1 => " \n", _ => "\n" }); // the next header on a line of its own
            else if (!unusual) text.Append(i % 25 == 24 ? "\n" : " ");
            else text.Append(random.Next(10) switch { 0 => "\t", 1 => "  ", 2 => "\r\n", _ => i % 25 == 24 ? "\n" : " " });
        }
    }

    /// <summary>
    /// Writes files of 0..12 reads of 0..1500 scores (unless <paramref name="exactPositions"/>, a few of 4097..6000,
    /// beyond the exact positions), some empty, some with text before the first header, most in the usual layout;
    /// returns their paths.
    /// </summary>
    private static List<string> WriteSmallFiles(string directory, Random random, int files, bool exactPositions = false)
    {
        Directory.CreateDirectory(directory);
        var paths = new List<string>();
        for (int f = 0; f < files; f++)
        {
            var text = new StringBuilder();
            if (random.Next(15) == 0) text.Append("text before the first header 1 2 3\n");
            int reads = random.Next(8) == 0 ? 0 : random.Next(1, 13);
            bool unusual = random.Next(5) == 0;
            for (int r = 0; r < reads; r++)
            {
                int length = random.Next(40) == 0 && !exactPositions ? random.Next(4097, 6000) : random.Next(12) == 0 ? 0 : random.Next(1, 1500);
                AppendRead(text, random, "clone" + f + "_" + r, length, unusual);
            }
            string path = Path.Combine(directory, "clone_" + f.ToString("D3") + ".qual");
            File.WriteAllText(path, text.ToString());
            paths.Add(path);
        }
        return paths;
    }

    [Fact]
    public void ManySmallFilesOfVariedLengthsGiveTheNumbersOfTheSimpleReference()
    {
        var random = new Random(181);
        var inputs = new List<QualityInput>();
        var expected = new List<QualityDistribution>();
        var all = new QualityHistogram();
        for (int d = 0; d < 6; d++)
        {
            string directory = Path.Combine(_root, "t" + d);
            var files = WriteSmallFiles(directory, random, files: 10 + 15 * d);
            if (d == 2)
            {
                // Files read the usual way in the same input: FASTQ, gzip .qual, and a .qual too large to record.
                ParallelJobs.TestSupport.QualDataSetGenerator.WriteFastq(Path.Combine(directory, "reads.fastq"), 7, 30, 150);
                using (var gz = new System.IO.Compression.GZipStream(File.Create(Path.Combine(directory, "zipped.qual.gz")), System.IO.Compression.CompressionLevel.Fastest))
                {
                    byte[] bytes = File.ReadAllBytes(files[1]);
                    gz.Write(bytes, 0, bytes.Length);
                }
                var large = new StringBuilder();
                for (int r = 0; large.Length <= QualityFileReader.RecordUpToBytes; r++) AppendRead(large, random, "large" + r, 2000, unusual: false);
                File.WriteAllText(Path.Combine(directory, "large.qual"), large.ToString());
                files.Add(Path.Combine(directory, "large.qual"));
                files.Add(Path.Combine(directory, "reads.fastq"));
                files.Add(files[1]); // the gzip copy's reads
            }
            var input = QualityInput.FromPath(directory, false);
            inputs.Add(input);
            expected.Add(Expected(input.Name, input.Path, files, input.Files.Count, 0));
            AddExpected(all, files);
        }

        foreach (int workers in new[] { 1, 2, 3, 8 })
        {
            var summary = Compute(inputs, workers);
            Assert.Empty(summary.Errors);
            Assert.Equal(expected.Count, summary.Distributions.Count);
            for (int i = 0; i < expected.Count; i++) QualityDistributionRunTests.AssertSameNumbers(expected[i], summary.Distributions[i]);
        }
        foreach (int workers in new[] { 1, 2 })
        {
            var merged = Assert.Single(Compute(inputs, workers, merge: true).Distributions);
            Assert.Equal(inputs.Sum(i => i.Files.Count), merged.FileCount);
            var want = QualityDistribution.FromHistogram(merged.Name, merged.Path, all);
            want.FileCount = merged.FileCount;
            QualityDistributionRunTests.AssertSameNumbers(want, merged);
        }
    }

    [Fact]
    public void PerReadMetricsOfRecordedFilesAreTheirReadsLengths()
    {
        var random = new Random(7);
        string directory = Path.Combine(_root, "perread");
        var files = WriteSmallFiles(directory, random, files: 25);
        var lengths = new SortedDictionary<int, long>();
        foreach (string file in files)
        {
            var readLengths = new List<int>();
            AddByReference(new QualityHistogram(), file, readLengths);
            foreach (int length in readLengths) lengths[length] = lengths.GetValueOrDefault(length) + 1;
        }
        var input = QualityInput.FromPath(directory, false);
        foreach (int workers in new[] { 1, 2 })
        {
            var distribution = Assert.Single(Compute(new[] { input }, workers, perRead: true).Distributions);
            Assert.NotNull(distribution.Reads);
            Assert.Equal(lengths.Select(l => (l.Key, l.Value)), distribution.Reads!.LengthCounts.Select(c => (c.Length, c.Count)));
            Assert.Equal(lengths.Values.Sum(), distribution.ReadCount);
            Assert.Empty(distribution.Reads.MeanQuality); // .qual: scores, no characters to average
        }
    }

    [Fact]
    public void ADefectiveSmallFileAmongGoodOnesLeavesTheTotalsOfTheGoodOnesAlone()
    {
        var random = new Random(55);
        string goodOnly = Path.Combine(_root, "good");
        var good = WriteSmallFiles(goodOnly, random, files: 30, exactPositions: true);
        Assert.All(good, f => Assert.True(new FileInfo(f).Length <= QualityFileReader.RecordUpToBytes));
        // The same good files beside defective ones: first, in the middle and last by name, each with valid
        // reads before its defect; one of them with a read long enough to bin the positions before its defect.
        string mixed = Path.Combine(_root, "mixed");
        Directory.CreateDirectory(mixed);
        foreach (string file in good) File.Copy(file, Path.Combine(mixed, Path.GetFileName(file)));
        string longRead = string.Join(" ", Enumerable.Repeat("30", 5000));
        var defects = new (string Name, string Text, long Line, string Message)[]
        {
            ("a_first.qual", ">r1\n10 20 30\n>r2\n5 x 7\n", 4, "'x'"),
            ("clone_014_middle.qual", ">r1\n" + longRead + "\n>r2\n40 41\n>r3\n12 -3\n", 6, "negative"),
            ("zz_last.qual", ">r1\n1 2 3 4\n5 6 7 8\n>r2\n9 94\n", 5, "above 93"),
        };
        foreach (var d in defects) File.WriteAllText(Path.Combine(mixed, d.Name), d.Text);

        var goodInput = QualityInput.FromPath(goodOnly, false);
        var mixedInput = QualityInput.FromPath(mixed, false);
        var reference = Expected(goodInput.Name, goodInput.Path, good, good.Count, 0);
        Assert.Equal(1, reference.BinWidth);
        foreach (int workers in new[] { 1, 2, 8 })
        {
            var alone = Assert.Single(Compute(new[] { goodInput }, workers).Distributions);
            QualityDistributionRunTests.AssertSameNumbers(reference, alone);

            var summary = Compute(new[] { mixedInput }, workers);
            var result = Assert.Single(summary.Distributions);
            Assert.Equal(good.Count + defects.Length, result.FileCount);
            Assert.Equal(defects.Length, result.FailedFileCount);
            result.Name = reference.Name;
            result.FileCount = reference.FileCount;
            result.FailedFileCount = reference.FailedFileCount;
            QualityDistributionRunTests.AssertSameNumbers(reference, result);

            Assert.Equal(defects.Length, summary.Errors.Count);
            foreach (var d in defects)
            {
                var error = Assert.Single(summary.Errors, e => e.Path.EndsWith(d.Name, StringComparison.Ordinal));
                Assert.Equal(QualityErrorKind.InvalidFile, error.Kind);
                Assert.Equal(d.Line, error.Line);
                Assert.Contains(d.Message, error.Message);
            }
        }
    }

    [Fact]
    public void RecordedFilesOfManyInputsComeInInputOrderWithTheirOwnCounts()
    {
        // Small inputs of a few files each: workers hand their running totals over at every change of input.
        var random = new Random(99);
        var inputs = new List<QualityInput>();
        var expected = new List<QualityDistribution>();
        for (int d = 0; d < 40; d++)
        {
            string directory = Path.Combine(_root, "clone_set_" + d.ToString("D2"));
            var files = WriteSmallFiles(directory, random, files: 1 + d % 4);
            var input = QualityInput.FromPath(directory, false);
            inputs.Add(input);
            expected.Add(Expected(input.Name, input.Path, files, files.Count, 0));
        }
        foreach (int workers in new[] { 1, 2, 5 })
        {
            var summary = Compute(inputs, workers);
            Assert.Equal(inputs.Select(i => i.Name), summary.Distributions.Select(d => d.Name));
            for (int i = 0; i < expected.Count; i++) QualityDistributionRunTests.AssertSameNumbers(expected[i], summary.Distributions[i]);
        }
    }

    [Fact]
    public void EveryFileSaysHowItWasReadOnceAndBeforeItsInputsResult()
    {
        var random = new Random(3);
        var inputs = new List<QualityInput>();
        for (int d = 0; d < 3; d++)
        {
            string directory = Path.Combine(_root, "v" + d);
            WriteSmallFiles(directory, random, files: 12);
            if (d == 1) ParallelJobs.TestSupport.QualDataSetGenerator.WriteFastq(Path.Combine(directory, "reads.fastq"), 5, 10, 100);
            inputs.Add(QualityInput.FromPath(directory, false));
        }
        foreach (int workers in new[] { 1, 2 })
        {
            var said = new List<string>();
            var results = new List<QualityDistribution>();
            using (var run = new QualityDistributionRun(new QualityRunOptions { ThrottleLimit = workers }))
            {
                foreach (var input in inputs) run.Add(input);
                run.Complete();
                run.Events.Drain(e =>
                {
                    if (e.Kind == QualityRunEventKind.Verbose && e.Message!.Contains(": read as ", StringComparison.Ordinal)) said.Add(e.Message);
                    if (e.Kind == QualityRunEventKind.Result)
                    {
                        // Every file of this input has said how it was read by now.
                        foreach (string file in inputs[results.Count].Files) Assert.Contains(said, m => m.StartsWith(file + ": read as ", StringComparison.Ordinal));
                        results.Add(e.Distribution!);
                    }
                }, untilDrained: true, TestContext.Current.CancellationToken);
            }
            Assert.Equal(inputs.Count, results.Count);
            var files = inputs.SelectMany(i => i.Files).ToList();
            Assert.Equal(files.Count, said.Count);
            foreach (string file in files) Assert.Single(said, m => m.StartsWith(file + ": read as ", StringComparison.Ordinal));
            Assert.Contains(said, m => m.EndsWith("reads.fastq: read as FASTQ, 10 records, Phred+33 (detected)", StringComparison.Ordinal));
        }
    }
}
