using System.Globalization;
using System.Xml.Linq;
using ParallelJobs;
using ParallelJobs.Plotting;

namespace ParallelJobs.Quality.Tests.Plotting;

public class SvgBoxPlotRendererTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void IsWellFormedSvgOfTheRequestedSize()
    {
        var document = XDocument.Parse(new SvgBoxPlotRenderer(640, 360).RenderDocument(new[] { QualitySamples.Falling("t1") }));
        var root = document.Root!;
        Assert.Equal(Svg + "svg", root.Name);
        Assert.Equal("640", root.Attribute("width")!.Value);
        Assert.Equal("360", root.Attribute("height")!.Value);
    }

    [Fact]
    public void HasTheThreeBandsTheBoxesTheMeanLineAndTheTitle()
    {
        var distribution = QualitySamples.FromMeans("t1", new[] { 35.99, 33.0, 30.5, 27.9, 18.0 });
        var root = XDocument.Parse(new SvgBoxPlotRenderer().RenderDocument(new[] { distribution })).Root!;
        var rects = root.Descendants(Svg + "rect").ToList();
        Assert.Contains(rects, r => r.Attribute("fill")?.Value == QualityBandScheme.PoorFill);
        Assert.Contains(rects, r => r.Attribute("fill")?.Value == QualityBandScheme.ReasonableFill);
        Assert.Contains(rects, r => r.Attribute("fill")?.Value == QualityBandScheme.GoodFill);
        Assert.Equal(5, rects.Count(r => r.Attribute("fill")?.Value == SvgBoxPlotRenderer.BoxFill) - 1); // one more in the key
        Assert.Equal(5, root.Descendants(Svg + "line").Count(l => l.Attribute("stroke")?.Value == SvgBoxPlotRenderer.MedianStroke) - 1);
        var mean = root.Descendants(Svg + "polyline").Single();
        Assert.Equal(SvgBoxPlotRenderer.MeanStroke, mean.Attribute("stroke")!.Value);
        Assert.Equal(5, mean.Attribute("points")!.Value.Split(' ').Length);
        Assert.Equal("t1 [18, 35]", root.Element(Svg + "title")!.Value);
        var texts = root.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("t1 [18, 35]", texts);
        Assert.Contains("Position", texts);
        Assert.Contains("Quality", texts);
        Assert.Contains("40", texts);
        Assert.Contains("0", texts);
    }

    [Fact]
    public void BoxesSpanTheQuartilesAndWhiskersTheTenthToNinetiethPercentile()
    {
        var row = new PositionQuality { Position = 1, EndPosition = 1, Count = 10, Mean = 30, Median = 31, LowerQuartile = 20, UpperQuartile = 36, Percentile10 = 10, Percentile90 = 39 };
        var renderer = new SvgBoxPlotRenderer(800, 450);
        var root = XDocument.Parse(renderer.RenderElement(new QualityDistribution { Name = "one", Positions = new[] { row } })).Root!;
        // Plot area: top 40, bottom 450 - 72 = 378, axis 0..40: y(q) = 378 - q * 338 / 40.
        double Y(double q) => 378 - q * 338 / 40.0;
        var box = root.Descendants(Svg + "g").Single(g => g.Attribute("class")?.Value == "boxes").Descendants(Svg + "rect").Single();
        Assert.Equal(Y(36), double.Parse(box.Attribute("y")!.Value, CultureInfo.InvariantCulture), 1);
        Assert.Equal(Y(20) - Y(36), double.Parse(box.Attribute("height")!.Value, CultureInfo.InvariantCulture), 1);
        var whisker = root.Descendants(Svg + "g").Single(g => g.Attribute("class")?.Value == "boxes").Descendants(Svg + "line").First();
        Assert.Equal(Y(10), double.Parse(whisker.Attribute("y1")!.Value, CultureInfo.InvariantCulture), 1);
        Assert.Equal(Y(39), double.Parse(whisker.Attribute("y2")!.Value, CultureInfo.InvariantCulture), 1);
    }

    [Fact]
    public void NamesAreEscaped()
    {
        string name = "<script>alert('x')</script> & \"q\" \u0001";
        string svg = new SvgBoxPlotRenderer().RenderDocument(new[] { QualitySamples.Falling(name, 10) });
        Assert.DoesNotContain("<script>", svg);
        var root = XDocument.Parse(svg).Root!;
        Assert.StartsWith("<script>alert('x')</script> & \"q\" \uFFFD [", root.Element(Svg + "title")!.Value);
    }

    [Fact]
    public void NumbersAreInvariantWhateverTheCulture()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            string svg = new SvgBoxPlotRenderer(777, 333).RenderDocument(new[] { QualitySamples.Falling("t1", 37) });
            var root = XDocument.Parse(svg).Root!;
            foreach (var attribute in root.Descendants().Attributes().Where(a => a.Name.LocalName is "x" or "y" or "width" or "height" or "x1" or "y2"))
            {
                Assert.True(double.TryParse(attribute.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _), attribute.ToString());
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void LongReadsAreBinnedToFitAndTheAxisSaysSo()
    {
        var nanopore = QualitySamples.Falling("nanopore", length: 2000, binWidth: 1000);
        var renderer = new SvgBoxPlotRenderer();
        var groups = renderer.GroupsFor(nanopore, out int span);
        Assert.True(groups.Count * SvgBoxPlotRenderer.MinimumPixelsPerBox <= renderer.Width);
        var root = XDocument.Parse(renderer.RenderElement(nanopore)).Root!;
        Assert.Contains(root.Descendants(Svg + "text"), t => t.Value == PositionGrouping.AxisLabel(span) && span > 1000);
        Assert.Equal(groups.Count, root.Descendants(Svg + "g").Single(g => g.Attribute("class")?.Value == "boxes").Elements(Svg + "g").Count());
    }

    [Fact]
    public void SeveralDistributionsAreStackedInOneDocument()
    {
        var root = XDocument.Parse(new SvgBoxPlotRenderer(800, 400).RenderDocument(new[] { QualitySamples.Falling("a"), QualitySamples.Falling("b") })).Root!;
        Assert.Equal("800", root.Attribute("height")!.Value);
        var plots = root.Elements(Svg + "svg").ToList();
        Assert.Equal(2, plots.Count);
        Assert.Equal("400", plots[1].Attribute("y")!.Value);
    }

    [Fact]
    public void AnEmptyDistributionSaysNoData()
    {
        var root = XDocument.Parse(new SvgBoxPlotRenderer().RenderElement(new QualityDistribution { Name = "empty" })).Root!;
        Assert.Contains(root.Descendants(Svg + "text"), t => t.Value == "no data");
        Assert.Equal("empty [no data]", root.Element(Svg + "title")!.Value);
    }
}
