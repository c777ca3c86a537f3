using ParallelJobs;
using ParallelJobs.Plotting;

namespace ParallelJobs.Quality.Tests.Plotting;

public class MarkupTextTests
{
    [Fact]
    public void EscapesMarkupCharacters()
    {
        Assert.Equal("&lt;b&gt; &amp; &quot;q&quot; &#39;s&#39;", MarkupText.Escape("<b> & \"q\" 's'"));
    }

    [Fact]
    public void ReplacesCharactersThatXmlCannotHold()
    {
        Assert.Equal("a\uFFFDb\tc", MarkupText.Escape("a\u0001b\tc"));
        Assert.Equal("", MarkupText.Escape(null));
    }
}
