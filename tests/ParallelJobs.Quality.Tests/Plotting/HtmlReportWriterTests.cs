using System.Text.RegularExpressions;
using System.Xml.Linq;
using ParallelJobs;
using ParallelJobs.Plotting;

namespace ParallelJobs.Quality.Tests.Plotting;

public class HtmlReportWriterTests
{
    [Fact]
    public void OnePlotPerDistributionSideBySideInOneSelfContainedPage()
    {
        var html = new HtmlReportWriter(new SvgBoxPlotRenderer()).Render(new[] { QualitySamples.Falling("t1"), QualitySamples.Falling("t2"), QualitySamples.Falling("t3") });
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Equal(3, Regex.Matches(html, "<svg ").Count);
        Assert.Equal(3, Regex.Matches(html, "<th class=\"sample\" scope=\"col\">").Count);
        // Counted without -PerRead: one box plot each, and the other modules say what is missing.
        Assert.Equal(4 * 3, Regex.Matches(html, "Get-QualityDistribution -PerRead").Count);
        XDocument.Parse(html);
        // Nothing to fetch: no scripts, no links, no external images; the only URL is the SVG namespace name.
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" href=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(3, Regex.Matches(html, "http").Count);
        foreach (Match svg in Regex.Matches(html, "<svg .*?</svg>", RegexOptions.Singleline))
        {
            XDocument.Parse(svg.Value);
        }
    }

    [Fact]
    public void NamesAreEscapedInHeadingsTitleAndPlots()
    {
        string name = "<img src=x onerror=alert(1)> & co";
        var html = new HtmlReportWriter(new SvgBoxPlotRenderer()).Render(new[] { QualitySamples.Falling(name) });
        Assert.DoesNotContain("<img", html);
        Assert.Contains("<h2>&lt;img src=x onerror=alert(1)&gt; &amp; co</h2>", html);
        Assert.Contains("<title>Quality report: &lt;img src=x onerror=alert(1)&gt; &amp; co</title>", html);
    }

    [Fact]
    public void SummarySaysWhenPositionsAreBinned()
    {
        var html = new HtmlReportWriter(new SvgBoxPlotRenderer()).Render(new[] { QualitySamples.Falling("nanopore", 2000, 1000) });
        Assert.Contains("positions in bins of 1,000 bp", html);
        Assert.Contains("Position (bins of 20,000 bp)", html);
    }
}
