using System.Diagnostics;
using System.Globalization;
using System.Text;
using ParallelJobs.Reports;
using static ParallelJobs.Quality.Tests.TestPaths;

namespace ParallelJobs.Quality.Tests.Reports;

/// <summary>
/// The FastQC text report against the real tools: fastqc's own fastqc_data.txt on the same files, module by
/// module (every line equal, except the GC curve, which FastQC sums in floating point read by read and so is
/// compared to 1e-9), and Debian's multiqc reading a folder of the reports.
/// </summary>
public sealed class FastQcReportTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pj-fastqc-report-" + Guid.NewGuid().ToString("N"));

    public FastQcReportTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly string[] Modules =
    {
        "Basic Statistics", "Per base sequence quality", "Per sequence quality scores", "Per sequence GC content",
        "Per base N content", "Sequence Length Distribution",
    };

    /// <summary>Real files FastQC reads (from ../shared/testdata), copied into the test folder, plus a generated one.</summary>
    private List<string> InputFiles()
    {
        var files = new List<string>();
        string data = Path.Combine(SharedTestData, "third-party");
        foreach (string relative in new[]
        {
            "htsjdk/src/test/resources/htsjdk/samtools/util/QualityEncodingDetectorTest/5k-30BB2AAXX.3.aligned.sam.fastq",
            "biojava/biojava-genome/src/test/resources/org/biojava/nbio/genome/io/fastq/illumina_example.fastq",
            "bioperl-live/t/data/fastq/test1_sanger.fastq",
            "biopython/Tests/Quality/example.fastq",
        })
        {
            string source = Path.Combine(data, relative);
            if (!File.Exists(source)) continue;
            string copy = Path.Combine(_root, Path.GetFileName(source));
            File.Copy(source, copy);
            files.Add(copy);
        }
        if (files.Count == 0) Missing.Skip("the real test files under " + data + " are absent");
        const string debianExample = "/usr/share/doc/fastqc/examples/example.fastq";
        if (File.Exists(debianExample))
        {
            string copy = Path.Combine(_root, "fastqc_example.fastq");
            File.Copy(debianExample, copy);
            files.Add(copy);
        }
        // Generated: 1500 reads of 40..260 bases (position groups of 5, lengths binned), N bases, lower case, and
        // positions with more and fewer than 100 scores (percentiles and NaN in one group).
        var random = new Random(20261203);
        var text = new StringBuilder();
        for (int r = 0; r < 1500; r++)
        {
            int length = r < 200 ? 260 : random.Next(40, 200);
            text.Append("@g").Append(r).Append('\n');
            for (int i = 0; i < length; i++) text.Append(random.Next(40) == 0 ? 'N' : "ACGTacgtGGCC"[random.Next(r % 3 == 0 ? 12 : 8)]);
            text.Append("\n+\n");
            for (int i = 0; i < length; i++) text.Append((char)(33 + Math.Max(2, Math.Min(41, 38 - i / 12 + random.Next(-8, 4)))));
            text.Append('\n');
        }
        string generated = Path.Combine(_root, "generated.fq");
        File.WriteAllText(generated, text.ToString());
        files.Add(generated);
        return files;
    }

    private static List<QualityDistribution> Distributions(IEnumerable<string> files) =>
        QualityDistributionRun.Compute(files.Select(f => QualityInput.FromPath(f, false)),
            new QualityRunOptions { ThrottleLimit = 2, PerRead = true }, TestContext.Current.CancellationToken).Distributions.ToList();

    [Fact]
    public void EveryModuleEqualsFastQcsOwnReportOnTheSameFiles()
    {
        string fastqc = FindTool("fastqc", "fastqc");
        var files = InputFiles();
        string theirs = Path.Combine(_root, "fastqc");
        Directory.CreateDirectory(theirs);
        Run(fastqc, new[] { "--extract", "--quiet", "-t", "2", "-o", theirs }.Concat(files));
        string ours = Path.Combine(_root, "ours");
        foreach (var d in Distributions(files)) FastQcReport.Write(d, ours);
        int compared = 0;
        foreach (string file in files)
        {
            string folder = FastQcReport.FolderName(Path.GetFileName(file));
            var expected = ReadModules(Path.Combine(theirs, folder, "fastqc_data.txt"));
            var actual = ReadModules(Path.Combine(ours, folder, "fastqc_data.txt"));
            foreach (string module in Modules)
            {
                Assert.True(expected.ContainsKey(module), file + ": FastQC wrote no " + module);
                var e = expected[module];
                var a = actual[module];
                Assert.True(e.Count == a.Count, $"{file}, {module}: {e.Count} lines from FastQC, {a.Count} here\n{string.Join("\n", e)}\n---\n{string.Join("\n", a)}");
                for (int i = 0; i < e.Count; i++)
                {
                    if (module == "Per sequence GC content" && i > 1) AssertClose(e[i], a[i], file);
                    else Assert.True(e[i] == a[i], $"{file}, {module}, line {i + 1}: FastQC '{e[i]}', here '{a[i]}'");
                }
                compared++;
            }
        }
        Assert.Equal(files.Count * Modules.Length, compared);
    }

    private static void AssertClose(string expected, string actual, string file)
    {
        string[] e = expected.Split('\t'), a = actual.Split('\t');
        Assert.Equal(e[0], a[0]);
        double x = double.Parse(e[1], CultureInfo.InvariantCulture), y = double.Parse(a[1], CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Abs(x)), $"{file}, GC {e[0]}: FastQC {x}, here {y}");
    }

    [Fact]
    public void MultiQcListsEverySampleWithTheModulesNumbers()
    {
        string multiqc = FindTool("multiqc", "multiqc");
        var files = InputFiles();
        var distributions = Distributions(files);
        string reports = Path.Combine(_root, "reports");
        foreach (var d in distributions) FastQcReport.Write(d, reports);
        string output = Path.Combine(_root, "multiqc");
        Run(multiqc, new[] { "--quiet", "--force", "--no-ansi", "-o", output, reports });
        string table = Path.Combine(output, "multiqc_data", "multiqc_fastqc.txt");
        Assert.True(File.Exists(table), "multiqc wrote no " + table);
        var lines = File.ReadAllLines(table);
        var header = lines[0].Split('\t').ToList();
        var rows = lines.Skip(1).Select(l => l.Split('\t')).ToDictionary(r => r[header.IndexOf("Filename")]);
        Assert.Equal(distributions.Count, rows.Count);
        foreach (var d in distributions)
        {
            Assert.True(rows.TryGetValue(d.Name, out var row), "multiqc does not list " + d.Name);
            Assert.Equal(d.ReadCount, (long)double.Parse(row[header.IndexOf("Total Sequences")], CultureInfo.InvariantCulture));
            Assert.Equal(d.Reads!.GcPercent, (int)double.Parse(row[header.IndexOf("%GC")], CultureInfo.InvariantCulture));
            string length = row[header.IndexOf("Sequence length")];
            string expected = d.MinLength == d.MaxLength ? d.MinLength.ToString(CultureInfo.InvariantCulture) : d.MinLength + "-" + d.MaxLength;
            Assert.True(length == expected || length == expected + ".0", $"{d.Name}: multiqc says length {length}, the module {expected}");
        }
    }

    [Fact]
    public void ADistributionWithoutPerReadMetricsIsRefusedByName()
    {
        string file = Path.Combine(_root, "plain.fastq");
        File.WriteAllText(file, "@a\nACGT\n+\nIIII\n");
        var d = QualityDistributionRun.Compute(new[] { QualityInput.FromPath(file, false) }, new QualityRunOptions { ThrottleLimit = 1 },
            TestContext.Current.CancellationToken).Distributions[0];
        var e = Assert.Throws<ArgumentException>(() => FastQcReport.Format(d));
        Assert.Contains("'plain.fastq'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-PerRead", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(26.0, "26.0")]
    [InlineData(23.333333333333332, "23.333333333333332")]
    [InlineData(0.5, "0.5")]
    [InlineData(0.001, "0.001")]
    [InlineData(0.00095, "9.5E-4")]
    [InlineData(12345678.0, "1.2345678E7")]
    [InlineData(1000000.0, "1000000.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(100.0, "100.0")]
    public void DoublesArePrintedAsJavaPrintsThem(double value, string expected) =>
        Assert.Equal(expected, FastQcReport.JavaDouble(value));

    [Theory]
    [InlineData(75, 75, "75")]
    [InlineData(76, 43, "76")] // 9 single positions, then groups of 2: 10-11 .. 74-75, 76
    [InlineData(150, 38, "150")] // groups of 5: 10-14 .. 145-149, 150
    [InlineData(1000, 60, "1000")] // groups of 20: 10-19, then 20-39 .. 980-999, 1000
    public void PositionGroupsAreFastQcs(int length, int groups, string last)
    {
        var g = FastQcReport.BaseGroups(length);
        Assert.Equal(groups, g.Count);
        Assert.Equal(last, g[^1].Low == g[^1].High ? g[^1].Low.ToString(CultureInfo.InvariantCulture) : g[^1].Low + "-" + g[^1].High);
    }

    private static Dictionary<string, List<string>> ReadModules(string path)
    {
        var modules = new Dictionary<string, List<string>>();
        List<string>? current = null;
        foreach (string line in File.ReadAllLines(path))
        {
            if (line.StartsWith(">>END_MODULE", StringComparison.Ordinal)) { current = null; continue; }
            if (line.StartsWith(">>", StringComparison.Ordinal))
            {
                current = new List<string> { line };
                modules[line.Substring(2).Split('\t')[0]] = current;
                continue;
            }
            current?.Add(line);
        }
        return modules;
    }

    private static void Run(string tool, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, Path.GetFileName(tool) + " failed (" + process.ExitCode + "): " + stderr.Result);
    }

    private static string FindTool(string name, string package)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin"))
        {
            if (directory.Length == 0) continue;
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate)) return candidate;
        }
        Missing.Skip(name + " is not installed, so the FastQC report was not checked with it (Debian: apt-get install " + package + "; .ci/run installs it)");
        return "";
    }
}
