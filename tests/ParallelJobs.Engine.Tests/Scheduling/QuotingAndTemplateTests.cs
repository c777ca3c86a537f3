using ParallelJobs.Processes;
using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;
using ParallelJobs.TestSupport;

namespace ParallelJobs.Engine.Tests.Scheduling;

public class QuotingAndTemplateTests
{
    public static readonly string[] Hostile =
    {
        "x; touch PWNED", "$(touch PWNED2)", "`touch PWNED3`", "a && touch PWNED4", "it's", "a\"b", "*", "~", "",
        "two  spaces", "tab\there", "new\nline", "back\\slash", "$HOME", "!bang", "-n", "{}", "'", "''",
    };

    [Fact]
    public void HostileInputs_ReachTheCommandAsOneArgument_AndRunNoCode()
    {
        using var dir = new TempDir();
        var options = new RunOptions { ThrottleLimit = 4, WorkingDirectory = dir.Path, KeepOrder = true };
        // %s| prints each argument followed by a bar, so a split or an expansion would show.
        var (results, _) = Run(options, Hostile.Select(h => Sh("printf '%s|' {}", h)));
        Assert.Equal(Hostile.Select(h => h + "|"), results.Select(r => string.Join("\n", r.Output)));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void ProgramArguments_RoundTripExactly()
    {
        // "{}" is a token in -ArgumentList too (filled, never quoted: no shell is involved), so leave it out here.
        var values = Hostile.Where(h => h != "{}").ToArray();
        var args = new[] { "%s|" }.Concat(values).ToArray();
        var (results, _) = Run(new RunOptions { ThrottleLimit = 1 }, new[] { CommandSpec.Program("printf", args) });
        Assert.Equal(string.Join("", values.Select(h => h + "|")), string.Join("\n", results.Single().Output));
    }

    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("", "''")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("/usr/bin/x-y_z.1", "/usr/bin/x-y_z.1")]
    public void PosixQuoting(string value, string quoted) => Assert.Equal(quoted, PosixShellQuoter.Quote(value));

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a b", "\"a b\"")]
    [InlineData("x & del *", "\"x & del *\"")]
    [InlineData("a|b", "\"a|b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("", "\"\"")]
    public void CmdQuoting_PutsMetacharactersInsideQuotes(string value, string quoted) =>
        // cmd.exe does not interpret & | < > ^ inside double quotes; an embedded quote is doubled.
        Assert.Equal(quoted, WindowsCommandLine.QuoteForCmd(value));

    [Theory]
    [InlineData("{}", "dir/sub/file.tar.gz")]
    [InlineData("{.}", "dir/sub/file.tar")]
    [InlineData("{/}", "file.tar.gz")]
    [InlineData("{//}", "dir/sub")]
    [InlineData("{/.}", "file.tar")]
    [InlineData("{#}", "8")]
    [InlineData("{%}", "3")]
    [InlineData("x{}y{#}", "xdir/sub/file.tar.gzy8")]
    [InlineData("{nope}", "{nope}")]
    public void TokensAsGnuParallel(string template, string expected)
    {
        Assert.Equal(expected, new CommandTemplate(template).Expand("dir/sub/file.tar.gz", index: 7, slot: 2, quote: null));
    }

    [Theory]
    [InlineData("file", "{//}", ".")]
    [InlineData("/file", "{//}", "/")]
    [InlineData(".bashrc", "{.}", ".bashrc")]
    [InlineData("dir.d/file", "{.}", "dir.d/file")]
    public void TokenEdgeCases(string input, string template, string expected) =>
        Assert.Equal(expected, new CommandTemplate(template).Expand(input, 0, 0, null));

    [Fact]
    public void TemplateWithoutTokens_GetsTheInputAppended_AsGnuParallel()
    {
        var (results, _) = Run(new RunOptions { ThrottleLimit = 1 }, new[] { Sh("echo", "a b") });
        Assert.Equal(new[] { "a b" }, results.Single().Output);
        Assert.Equal("echo 'a b'", results.Single().Command);
    }

    [Fact]
    public void SlotToken_IsTheSlotThatRanTheCommand()
    {
        var (results, _) = Run(new RunOptions { ThrottleLimit = 3 }, Enumerable.Range(0, 9).Select(i => Sh("echo {%} {#}", i.ToString())));
        Assert.All(results, r => Assert.Equal($"{r.Slot + 1} {r.Index + 1}", r.Output.Single()));
    }
}
