using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ParallelJobs.Plotting;
using ParallelJobs.Quality;
using ParallelJobs.Reports;

namespace ParallelJobs.Quality.Tests.Plotting;

/// <summary>
/// The per-read plots: the mean-quality histogram and the length distribution as SVG bars and as terminal text, and
/// the HTML page with every module of several samples side by side. The input is a FASTQ file written here whose
/// numbers are known: 300 reads, every third of 100 bases and the others of 150; even reads all 'I' (quality 40),
/// odd reads all '5' (quality 20).
/// </summary>
public sealed class ReadPlotTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pj-read-plots-" + Guid.NewGuid().ToString("N"));

    public ReadPlotTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private QualityDistribution Counted(string name, bool perRead)
    {
        string path = Path.Combine(_root, name + ".fastq");
        var text = new StringBuilder();
        for (int r = 0; r < 300; r++)
        {
            int length = r % 3 == 0 ? 100 : 150;
            string sequence = string.Concat(Enumerable.Range(0, length).Select(i => "ACGTGCN"[(i + r) % 7]));
            text.Append("@r").Append(r).Append('\n').Append(sequence).Append("\n+\n").Append(r % 2 == 0 ? 'I' : '5', length).Append('\n');
        }
        File.WriteAllText(path, text.ToString());
        var summary = QualityDistributionRun.Compute(new[] { QualityInput.FromPath(path, recurse: false) },
            new QualityRunOptions { ThrottleLimit = 1, PerRead = perRead }, CancellationToken.None);
        Assert.Empty(summary.Errors);
        return summary.Distributions.Single();
    }

    /// <summary>data-start → data-value of every bar in an SVG (or an SVG element inside a page).</summary>
    private static Dictionary<int, double> Bars(XElement svg) =>
        svg.Descendants().Where(e => e.Name.LocalName == "rect" && (string?)e.Attribute("class") == "bar")
            .ToDictionary(e => (int)e.Attribute("data-start")!, e => (double)e.Attribute("data-value")!);

    [Fact]
    public void PerReadQualitySvg_IsWellFormedXml_AndItsBarsAreTheDistributionsCounts()
    {
        var d = Counted("s1", perRead: true);
        var svg = XDocument.Parse(new SvgBarChartRenderer().RenderDocument(new[] { ModuleCharts.For(d, QualityPlotKind.PerReadQuality) }));

        var bars = Bars(svg.Root!);
        Assert.Equal(150, bars[40]);
        Assert.Equal(150, bars[20]);
        Assert.Equal(d.ReadCount, bars.Values.Sum());
        Assert.Equal(d.Reads!.MeanQuality.Select(r => (r.Quality, (double)r.Count)), bars.Select(b => (b.Key, b.Value)));
        Assert.Contains(svg.Descendants().Where(e => e.Name.LocalName == "title"), t => t.Value == "mean quality 40: 150 reads");
        Assert.Equal("s1.fastq: quality per read", svg.Root!.Elements().First(e => e.Name.LocalName == "title").Value);
    }

    [Fact]
    public void LengthSvg_ShowsFastQcsLengthBins_WithTheirCounts()
    {
        var d = Counted("s1", perRead: true);
        var svg = XDocument.Parse(new SvgBarChartRenderer(600, 300).RenderDocument(new[] { ModuleCharts.For(d, QualityPlotKind.Length) }));

        var bars = Bars(svg.Root!);
        Assert.Equal(d.Reads!.LengthDistribution.Select(r => (r.Length, (double)r.Count)), bars.Select(b => (b.Key, b.Value)));
        Assert.Equal(100, bars.Where(b => b.Key <= 100).Sum(b => b.Value));
        Assert.Equal(200, bars.Where(b => b.Key > 100).Sum(b => b.Value));
        Assert.Contains(">Read length (bp)<", svg.ToString(SaveOptions.DisableFormatting));
    }

    [Fact]
    public void SeveralCharts_StackInOneWellFormedSvg()
    {
        var charts = new[] { ModuleCharts.For(Counted("a", true), QualityPlotKind.Length), ModuleCharts.For(Counted("b & <c>", true), QualityPlotKind.Length) };
        var svg = XDocument.Parse(new SvgBarChartRenderer().RenderDocument(charts));
        Assert.Equal(2, svg.Root!.Elements().Count(e => e.Name.LocalName == "svg"));
        Assert.Equal("900", (string?)svg.Root.Attribute("height"));
    }

    [Theory]
    [InlineData(QualityPlotKind.PerReadQuality, "per-read quality histogram")]
    [InlineData(QualityPlotKind.Length, "read length distribution")]
    public void WithoutPerRead_TheErrorNamesTheSampleAndTheSwitch(QualityPlotKind kind, string what)
    {
        var d = Counted("plain sample", perRead: false);
        Assert.False(ModuleCharts.HasData(d, kind));
        Assert.True(ModuleCharts.HasData(d, QualityPlotKind.PerBase));
        var error = Assert.Throws<ArgumentException>(() => ModuleCharts.For(d, kind));
        Assert.Contains("'plain sample.fastq'", error.Message);
        Assert.Contains(what, error.Message);
        Assert.Contains("-PerRead", error.Message);
    }

    [Fact]
    public void TerminalHistogram_FitsTheSize_AndDrawsEqualCountsAsEqualBars()
    {
        var d = Counted("s1", perRead: true);
        var lines = TerminalBarRenderer.Render(ModuleCharts.For(d, QualityPlotKind.PerReadQuality), new TerminalPlotOptions { Width = 60, Height = 16 });

        Assert.Equal(16, lines.Count);
        Assert.All(lines, l => Assert.True(l.Length <= 60, "too wide: " + l));
        Assert.Contains("s1.fastq: quality per read", lines[0]);
        // The highest plot row holds the two bars of 150 reads and nothing else; the row under the x axis labels them.
        string top = lines[2];
        Assert.Equal(2, Regex.Matches(top, "#+").Count);
        Assert.Contains("150", string.Join("\n", lines.Skip(2).Take(11)));
        string ticks = lines[14];
        Assert.Matches(@"\b20\b", ticks);
        Assert.Matches(@"\b40\b", ticks);
        Assert.Contains("Mean quality of the read", lines[15]);
    }

    [Fact]
    public void TerminalLengths_AddUpNeighboursWhenThereAreMoreBarsThanColumns()
    {
        var bars = Enumerable.Range(1, 500).Select(i => new ChartBar(i, i, 1)).ToList();
        var chart = new BarChart("many", "Read length (bp)", "Reads", "length", "reads", bars);
        var lines = TerminalBarRenderer.Render(chart, new TerminalPlotOptions { Width = 40, Height = 10 });
        Assert.Equal(10, lines.Count);
        Assert.All(lines, l => Assert.True(l.Length <= 40, "too wide: " + l));
        // 500 bars of 1 in fewer than 40 columns: runs of neighbours are added up, so the y axis goes beyond 1.
        var top = Regex.Match(lines[2], @"^\s*(\d+)\s\+");
        Assert.True(top.Success, string.Join("\n", lines));
        int topValue = int.Parse(top.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(topValue is >= 13 and <= 30, string.Join("\n", lines));
    }

    [Fact]
    public void AnEmptyFile_DrawsAxesAndSaysNoData_InTextAndSvg()
    {
        File.WriteAllText(Path.Combine(_root, "empty.fastq"), "");
        var summary = QualityDistributionRun.Compute(new[] { QualityInput.FromPath(Path.Combine(_root, "empty.fastq"), recurse: false) },
            new QualityRunOptions { ThrottleLimit = 1, PerRead = true }, CancellationToken.None);
        var d = summary.Distributions.Single();
        var lines = TerminalBarRenderer.Render(ModuleCharts.For(d, QualityPlotKind.Length), new TerminalPlotOptions { Width = 50, Height = 12 });
        Assert.Equal(12, lines.Count);
        Assert.Single(lines, l => l.Contains("no data", StringComparison.Ordinal));
        var svg = XDocument.Parse(new SvgBarChartRenderer().RenderDocument(new[] { ModuleCharts.For(d, QualityPlotKind.PerReadQuality) }));
        Assert.Empty(Bars(svg.Root!));
        Assert.Contains(svg.Descendants(), e => (string?)e.Attribute("class") == "no-data");
    }

    [Fact]
    public void HtmlPage_ShowsEveryModuleOfEachSampleSideBySide_WithFastQcsStatuses()
    {
        var withReads = Counted("with reads", perRead: true);
        var plain = Counted("plain", perRead: false);
        string html = new HtmlReportWriter(new SvgBoxPlotRenderer()).Render(new[] { withReads, plain });
        var page = XDocument.Parse(html);

        var samples = page.Descendants("th").Where(e => (string?)e.Attribute("class") == "sample").Select(e => e.Element("h2")!.Value).ToList();
        Assert.Equal(new[] { "with reads.fastq", "plain.fastq" }, samples);
        var modules = page.Descendants("th").Where(e => (string?)e.Attribute("class") == "module").Select(e => e.Value).ToList();
        Assert.Equal(new[] { FastQcReport.PerBaseQualityModule, FastQcReport.PerSequenceQualityModule, FastQcReport.PerSequenceGcModule,
            FastQcReport.PerBaseNModule, FastQcReport.LengthModule }, modules);

        // Each module row has one cell per sample: the first sample's statuses are those of its FastQC text report.
        var rows = page.Descendants("tr").Where(r => r.Elements("td").Any()).ToList();
        Assert.Equal(5, rows.Count);
        var fastqc = Regex.Matches(FastQcReport.Format(withReads), @"^>>([^\t\n]+)\t(pass|warn|fail)$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        for (int i = 0; i < 5; i++)
        {
            var cells = rows[i].Elements("td").ToList();
            Assert.Equal(2, cells.Count);
            Assert.Equal(fastqc[modules[i]], cells[0].Elements("span").Single().Value);
            Assert.Single(cells[0].Elements(), e => e.Name.LocalName == "svg");
        }
        // The sample counted without -PerRead: its per-base plot and status, and for the rest what to do.
        Assert.Single(rows[0].Elements("td").Last().Elements("span"));
        Assert.All(rows.Skip(1), r => Assert.Contains("-PerRead", r.Elements("td").Last().Value));

        // The numbers: quality per read and lengths of the first sample.
        var perRead = Bars(rows[1].Elements("td").First().Elements().Single(e => e.Name.LocalName == "svg"));
        Assert.Equal(150, perRead[40]);
        var lengths = Bars(rows[4].Elements("td").First().Elements().Single(e => e.Name.LocalName == "svg"));
        Assert.Equal(300, lengths.Values.Sum());
    }

    [Fact]
    public void HtmlPage_WithOneKind_ShowsThatModuleOnly()
    {
        var d = Counted("s1", perRead: true);
        var page = XDocument.Parse(new HtmlReportWriter(new SvgBoxPlotRenderer()).Render(new[] { d, d }, QualityPlotKind.Length));
        var modules = page.Descendants("th").Where(e => (string?)e.Attribute("class") == "module").Select(e => e.Value).ToList();
        Assert.Equal(new[] { FastQcReport.LengthModule }, modules);
        var perBase = XDocument.Parse(new HtmlReportWriter(new SvgBoxPlotRenderer()).Render(new[] { d }, QualityPlotKind.PerBase));
        Assert.Equal(new[] { FastQcReport.PerBaseQualityModule },
            perBase.Descendants("th").Where(e => (string?)e.Attribute("class") == "module").Select(e => e.Value));
    }

    [Fact]
    public void Statuses_WithoutPerRead_AreThePerBaseModuleOnly()
    {
        var plain = Counted("plain", perRead: false);
        var statuses = FastQcReport.Statuses(plain);
        Assert.Equal(FastQcReport.PerBaseQualityModule, Assert.Single(statuses).Module);
        var full = FastQcReport.Statuses(Counted("full", perRead: true));
        Assert.Equal(6, full.Count);
    }
}
