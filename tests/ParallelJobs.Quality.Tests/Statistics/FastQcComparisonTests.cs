using System.Diagnostics;
using System.Globalization;
using System.Text;
using ParallelJobs.Quality;

namespace ParallelJobs.Quality.Tests.Statistics;

/// <summary>
/// Every row of FastQC's "Per base sequence quality" table (fastqc --nogroup) against the module's numbers for the
/// same file: mean, median, quartiles, 10th and 90th percentiles, at every position. FastQC prints NaN for the
/// percentiles of a position with 100 or fewer scores; there the module's Count must be 100 or fewer (what it
/// prints instead is the subject of the unit tests in QualityStatisticsTests).
/// </summary>
public sealed class FastQcComparisonTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pj-fastqc-" + Guid.NewGuid().ToString("N"));

    public FastQcComparisonTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private const string DebianExample = "/usr/share/doc/fastqc/examples/example.fastq";

    [Fact]
    public void FastQcsOwnExampleGivesFastQcsNumbersAtEveryPosition()
    {
        string fastqc = FindFastQc();
        string example = File.Exists(DebianExample) ? DebianExample : DebianExample + ".gz";
        if (!File.Exists(example)) Missing.Skip("FastQC's example file " + DebianExample + " is absent (Debian's fastqc package ships it)");

        var compared = Compare(fastqc, example);

        // 125 reads of 36 bases: every position has 125 scores, so N·p/100 is fractional for p = 10, 50 and 90
        // (12.5, 62.5, 112.5) and FastQC prints every row.
        Assert.Equal(36, compared.Rows);
        Assert.Equal(36, compared.PercentileRows);
    }

    [Fact]
    public void AGeneratedFileWithFractionalTargetsAndShortPositionsGivesFastQcsNumbers()
    {
        string fastqc = FindFastQc();
        // Reads of 20 to 90 bases: early positions have all 237 scores, late ones fewer and fewer, down to a handful,
        // so the count N at a position takes many values, most of them not multiples of 100 (N·p/100 fractional),
        // and FastQC prints NaN where N <= 100. Scores 2..41, skewed so that neighbouring scores have different
        // counts (a rounding difference moves a percentile to another score).
        var random = new Random(20240611);
        var text = new StringBuilder();
        for (int r = 0; r < 237; r++)
        {
            int length = r < 60 ? 90 : random.Next(20, 91);
            text.Append("@read").Append(r).Append('\n');
            for (int i = 0; i < length; i++) text.Append("ACGT"[random.Next(4)]);
            text.Append("\n+\n");
            for (int i = 0; i < length; i++)
            {
                int score = Math.Min(41, 2 + (int)(40 * Math.Sqrt(random.NextDouble())) - i / 10);
                text.Append((char)(33 + Math.Max(2, score)));
            }
            text.Append('\n');
        }
        string file = Path.Combine(_root, "fractional.fastq");
        File.WriteAllText(file, text.ToString());

        var compared = Compare(fastqc, file);

        Assert.Equal(90, compared.Rows);
        Assert.InRange(compared.PercentileRows, 20, 89);
        Assert.True(compared.FractionalTargets > 0, "no position where N·p/100 is fractional: the file does not test the rounding");
    }

    private sealed record Comparison(int Rows, int PercentileRows, int FractionalTargets);

    private Comparison Compare(string fastqc, string file)
    {
        var expected = RunFastQc(fastqc, file);
        var summary = QualityDistributionRun.Compute(new[] { QualityInput.FromPath(file, false) }, new QualityRunOptions { ThrottleLimit = 1 });
        Assert.Empty(summary.Errors);
        var rows = Assert.Single(summary.Distributions).Positions;
        Assert.Equal(expected.Count, rows.Length);
        int percentileRows = 0, fractional = 0;
        var mismatches = new List<string>();
        for (int i = 0; i < rows.Length; i++)
        {
            var (position, mean, percentiles) = expected[i];
            var row = rows[i];
            Assert.Equal(position, row.Position);
            Assert.Equal(position, row.EndPosition);
            // FastQC's mean is the same division of the same integers: equal to the last bit.
            if (mean != row.Mean) mismatches.Add($"position {position}: mean {row.Mean.ToString("R", CultureInfo.InvariantCulture)}, FastQC {mean.ToString("R", CultureInfo.InvariantCulture)}");
            if (percentiles == null)
            {
                Assert.True(row.Count <= 100, $"position {position}: FastQC printed NaN percentiles, but the module counted {row.Count} scores there");
                continue;
            }
            Assert.True(row.Count > 100, $"position {position}: FastQC printed percentiles for only {row.Count} scores");
            percentileRows++;
            if (row.Count * 10 % 100 != 0 || row.Count * 25 % 100 != 0 || row.Count * 75 % 100 != 0) fractional++;
            var ours = new[] { row.Median, row.LowerQuartile, row.UpperQuartile, row.Percentile10, row.Percentile90 };
            string[] names = { "median", "lower quartile", "upper quartile", "10th percentile", "90th percentile" };
            for (int k = 0; k < 5; k++)
                if (ours[k] != percentiles[k]) mismatches.Add($"position {position} (N={row.Count}): {names[k]} {ours[k]}, FastQC {percentiles[k]}");
        }
        Assert.True(mismatches.Count == 0, mismatches.Count + " values differ from FastQC:\n" + string.Join("\n", mismatches));
        return new Comparison(rows.Length, percentileRows, fractional);
    }

    /// <summary>FastQC's per-base rows: position, mean, and median, quartiles, 10th, 90th (null where it printed NaN).</summary>
    private List<(int Position, double Mean, int[]? Percentiles)> RunFastQc(string fastqc, string file)
    {
        string output = Path.Combine(_root, "fastqc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(output);
        var start = new ProcessStartInfo(fastqc) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { "--nogroup", "--extract", "--quiet", "-o", output, file }) start.ArgumentList.Add(argument);
        using (var process = Process.Start(start)!)
        {
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, "fastqc failed with exit code " + process.ExitCode + ": " + stderr.Result);
        }
        string data = Directory.GetFiles(output, "fastqc_data.txt", SearchOption.AllDirectories).Single();
        var rows = new List<(int, double, int[]?)>();
        bool inModule = false;
        foreach (string line in File.ReadLines(data))
        {
            if (line.StartsWith(">>Per base sequence quality", StringComparison.Ordinal)) { inModule = true; continue; }
            if (!inModule || line.StartsWith('#')) continue;
            if (line.StartsWith(">>END_MODULE", StringComparison.Ordinal)) break;
            string[] fields = line.Split('\t');
            Assert.Equal(7, fields.Length);
            double mean = double.Parse(fields[1], CultureInfo.InvariantCulture);
            int[]? percentiles = null;
            if (fields[2] != "NaN")
            {
                percentiles = fields.Skip(2).Select(f =>
                {
                    double value = double.Parse(f, CultureInfo.InvariantCulture);
                    Assert.Equal(Math.Floor(value), value); // --nogroup: one position per row, so whole scores
                    return (int)value;
                }).ToArray();
            }
            else Assert.All(fields.Skip(2), f => Assert.Equal("NaN", f));
            rows.Add((int.Parse(fields[0], CultureInfo.InvariantCulture), mean, percentiles));
        }
        Assert.NotEmpty(rows);
        return rows;
    }

    private static string FindFastQc()
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin"))
        {
            if (directory.Length == 0) continue;
            string candidate = Path.Combine(directory, "fastqc");
            if (File.Exists(candidate)) return candidate;
        }
        Missing.Skip("fastqc is not installed, so the percentiles were not compared with FastQC (Debian: apt-get install fastqc; .ci/run installs it)");
        return "";
    }
}
