using System.Diagnostics;
using System.Globalization;
using ParallelJobs;
using ParallelJobs.Plotting;

namespace ParallelJobs.Quality.Tests.Plotting;

/// <summary>
/// The exported files open in a real browser: headless Chromium renders the SVG and the HTML page, and the
/// screenshot must show the three quality bands and the data in the plot area. Skipped (with the reason) where
/// /usr/bin/chromium is not installed; .ci/install-chromium.sh installs it on Debian.
/// </summary>
public class ChromiumScreenshotTests
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const int WindowWidth = 1200;
    private const int WindowHeight = 800;

    private readonly ITestOutputHelper _output;

    public ChromiumScreenshotTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void SvgFileShowsTheBandsAndTheDataInTheBrowser()
    {
        SkipWithoutChromium();
        string directory = NewDirectory();
        string svgPath = Path.Combine(directory, "plot.svg");
        File.WriteAllText(svgPath, new SvgBoxPlotRenderer(800, 450).RenderDocument(new[] { QualitySamples.Falling("t1 <&>", 120) }));

        var image = Screenshot(svgPath, Path.Combine(directory, "plot.svg.png"));

        AssertNotBlank(image);
        // The SVG sits at the top left at its own size: the plot area is x 60..780, y 40..378.
        var plotArea = (Left: 62, Top: 42, Right: 778, Bottom: 376);
        AssertShowsThePlot(image, plotArea);
        // Outside the plot, to the right of the SVG, the page is empty.
        AssertShows(image, (900, 100, 1150, 700), "#ffffff", 250 * 600, "empty page beside the plot");
    }

    [Fact]
    public void HtmlPageShowsTheBandsAndTheDataInTheBrowser()
    {
        SkipWithoutChromium();
        string directory = NewDirectory();
        string htmlPath = Path.Combine(directory, "report.html");
        var distributions = new[] { QualitySamples.Falling("run_a", 150), QualitySamples.Falling("run_b & <c>", 2000, 1000) };
        File.WriteAllText(htmlPath, new HtmlReportWriter(new SvgBoxPlotRenderer(800, 450)).Render(distributions));

        var image = Screenshot(htmlPath, Path.Combine(directory, "report.html.png"));

        AssertNotBlank(image);
        // The first plot starts below the page heading; its plot area lies within this rectangle.
        var firstPlot = (Left: 60, Top: 120, Right: 860, Bottom: 560);
        AssertShowsThePlot(image, firstPlot);
    }

    private static void SkipWithoutChromium()
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Skip(ChromiumPath + " is not installed, so the browser rendering of SVG and HTML plots was not checked " +
                        "(Debian: .ci/install-chromium.sh, or apt-get install chromium).");
        }
    }

    private static string NewDirectory()
    {
        // Kept under the test output folder so the screenshots can be looked at after a run.
        string directory = Path.Combine(AppContext.BaseDirectory, "screenshots", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    private PngImage Screenshot(string page, string png)
    {
        string profile = Path.Combine(Path.GetTempPath(), "parallaljobs-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        try
        {
            var start = new ProcessStartInfo(ChromiumPath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--force-device-scale-factor=1",
                "--user-data-dir=" + profile,
                "--screenshot=" + png,
                "--window-size=" + WindowWidth.ToString(CultureInfo.InvariantCulture) + "," + WindowHeight.ToString(CultureInfo.InvariantCulture),
                new Uri(page).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(argument);
            }
            using var chromium = Process.Start(start)!;
            var stdout = chromium.StandardOutput.ReadToEndAsync();
            var stderr = chromium.StandardError.ReadToEndAsync();
            // A hang guard, not a timing assertion: a stuck browser must not hang the test run.
            if (!chromium.WaitForExit(TimeSpan.FromMinutes(3)))
            {
                chromium.Kill(entireProcessTree: true);
                Assert.Fail("chromium did not finish its screenshot of " + page);
            }
            _output.WriteLine(stdout.Result + stderr.Result);
            Assert.True(File.Exists(png), $"chromium wrote no screenshot (exit {chromium.ExitCode}):\n{stderr.Result}");
            _output.WriteLine("screenshot: " + png);
            var image = PngImage.Load(png);
            Assert.Equal(WindowWidth, image.Width);
            Assert.Equal(WindowHeight, image.Height);
            return image;
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still be closing files in its profile; a left-over temp folder is harmless.
            }
        }
    }

    private static void AssertNotBlank(PngImage image)
    {
        var colours = new HashSet<(byte, byte, byte)>();
        for (int y = 0; y < image.Height; y += 2)
        {
            for (int x = 0; x < image.Width; x += 2)
            {
                colours.Add(image[x, y]);
            }
        }
        Assert.True(colours.Count > 20, $"the screenshot looks blank: {colours.Count} distinct colours");
    }

    /// <summary>The three quality bands, the boxes and the mean line, each with enough pixels in the area.</summary>
    private static void AssertShowsThePlot(PngImage image, (int Left, int Top, int Right, int Bottom) area)
    {
        AssertShows(image, area, QualityBandScheme.PoorFill, 2000, "red (poor) band");
        AssertShows(image, area, QualityBandScheme.ReasonableFill, 2000, "orange (reasonable) band");
        AssertShows(image, area, QualityBandScheme.GoodFill, 2000, "green (good) band");
        AssertShows(image, area, SvgBoxPlotRenderer.BoxFill, 500, "boxes");
        AssertShows(image, area, SvgBoxPlotRenderer.MeanStroke, 100, "mean line");
    }

    private static void AssertShows(PngImage image, (int Left, int Top, int Right, int Bottom) area, string hexColour, int minimumPixels, string what)
    {
        var (r, g, b) = ParseHex(hexColour);
        int count = 0;
        for (int y = area.Top; y < area.Bottom; y++)
        {
            for (int x = area.Left; x < area.Right; x++)
            {
                var p = image[x, y];
                if (Math.Abs(p.R - r) <= 6 && Math.Abs(p.G - g) <= 6 && Math.Abs(p.B - b) <= 6)
                {
                    count++;
                }
            }
        }
        Assert.True(count >= minimumPixels, $"{what} ({hexColour}): {count} pixels in {area}, expected at least {minimumPixels}");
    }

    private static (int R, int G, int B) ParseHex(string hex) =>
        (Convert.ToInt32(hex.Substring(1, 2), 16), Convert.ToInt32(hex.Substring(3, 2), 16), Convert.ToInt32(hex.Substring(5, 2), 16));
}
