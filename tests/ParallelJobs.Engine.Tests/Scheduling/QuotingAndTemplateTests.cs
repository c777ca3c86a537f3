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

    [Theory]
    [InlineData("{1}", "dir/a.fq.gz")]
    [InlineData("{2}", "b.txt")]
    [InlineData("{1.}", "dir/a.fq")]
    [InlineData("{1/}", "a.fq.gz")]
    [InlineData("{1//}", "dir")]
    [InlineData("{1/.}", "a.fq")]
    [InlineData("{2/.}", "b")]
    [InlineData("{3}", "")]
    [InlineData("{}", "dir/a.fq.gz b.txt")]
    [InlineData("{/}", "a.fq.gz b.txt")]
    [InlineData("{0}", "{0}")]
    [InlineData("{2}-{1}-{#}", "b.txt-dir/a.fq.gz-1")]
    public void PositionalTokens_AsGnuParallel(string template, string expected) =>
        Assert.Equal(expected, new CommandTemplate(template).Expand(CommandInput.Multiple(new[] { "dir/a.fq.gz", "b.txt" }), 0, 0, null));

    [Theory]
    [InlineData("{FullName}", "/data/run_a.fq")]
    [InlineData("{fullname/.}", "run_a")]
    [InlineData("{Name}", "run_a.fq")]
    [InlineData("{Missing}", "{Missing}")]
    [InlineData("${Name}", "${Name}")]
    [InlineData("{1}", "obj")]
    [InlineData("awk '{print}'", "awk '{print}'")]
    public void NamedTokens_AreTheObjectsValues_OthersStayAsWritten(string template, string expected)
    {
        var input = CommandInput.Object("obj", new Dictionary<string, string?> { ["FullName"] = "/data/run_a.fq", ["Name"] = "run_a.fq" });
        Assert.Equal(expected, new CommandTemplate(template).Expand(input, 0, 0, null));
    }

    [Fact]
    public void SeveralValues_EachQuotedOnce_InTheShell()
    {
        var inputs = Hostile.Select(h => CommandInput.Multiple(new[] { h, "second " + h })).ToArray();
        using var dir = new TempDir();
        var options = new RunOptions { ThrottleLimit = 4, WorkingDirectory = dir.Path, KeepOrder = true };
        var (results, _) = Run(options, inputs.Select(i => CommandSpec.Shell("printf '%s|' {2} {1}", i)));
        Assert.Equal(Hostile.Select(h => "second " + h + "|" + h + "|"), results.Select(r => string.Join("\n", r.Output)));
        // {} is every value, each its own argument; a command without tokens gets them all appended the same way.
        var (all, _) = Run(options, inputs.Take(6).SelectMany(i => new[] { CommandSpec.Shell("printf '%s|' {}", i), CommandSpec.Shell("printf '%s|'", i) }));
        Assert.All(all, r => Assert.Equal(string.Concat(inputs[r.Index / 2].Values.Select(v => v + "|")), string.Join("\n", r.Output)));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void NamedValues_QuotedOnce_AndProgramArgumentsExact()
    {
        var input = CommandInput.Object("x", new Dictionary<string, string?> { ["Name"] = "it's $(touch PWNED)" });
        var (results, _) = Run(new RunOptions { ThrottleLimit = 1, KeepOrder = true }, new[]
        {
            CommandSpec.Shell("printf '%s|' {Name}", input),
            CommandSpec.Program("printf", new[] { "%s|", "{Name}", "{1}" }, input),
        });
        Assert.Equal("it's $(touch PWNED)|", results[0].Output.Single());
        Assert.Equal("it's $(touch PWNED)|x|", results[1].Output.Single());
    }

    [Fact]
    public void NamedTokenTheObjectLacks_IsText_AndTheInputIsAppended()
    {
        var input = CommandInput.Object("x y", new Dictionary<string, string?>());
        var (results, _) = Run(new RunOptions { ThrottleLimit = 1 }, new[] { CommandSpec.Shell("echo {nope}", input) });
        Assert.Equal("echo {nope} 'x y'", results.Single().Command);
    }

    [Fact]
    public void SeveralValues_ForAnSshHost_AreQuotedOnceForItsShell()
    {
        // What reaches the remote /bin/sh (the SSH wrapper then carries this line as one word).
        var spec = CommandSpec.Shell("printf '%s|' {2} {1}", CommandInput.Multiple(new[] { "a b", "it's" }));
        Assert.Equal("printf '%s|' 'it'\\''s' 'a b'", spec.Resolve(0, 0, posix: true).Display);
    }
}
