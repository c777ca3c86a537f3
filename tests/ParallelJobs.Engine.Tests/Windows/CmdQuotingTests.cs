using System.Text;
using ParallelJobs.Processes;
using ParallelJobs.Scheduling;

namespace ParallelJobs.Engine.Tests.Windows;

/// <summary>
/// The cmd.exe quoter, checked on every platform against cmd's documented parsing (a model of it below):
/// a quoted value leaves no metacharacter for cmd to act on, and the program's C runtime reads it back
/// exactly. <see cref="CmdExeTests"/> runs the same values through a real cmd.exe (Windows lane).
/// </summary>
[Trait("Platform", "Windows")]
public class CmdQuotingTests
{
    /// <summary>The Unix hostile inputs that cmd can carry, and cmd's own.</summary>
    public static readonly string[] Hostile =
    {
        "x; touch PWNED", "a && echo PWNED", "a & echo PWNED", "a | more", "a > out.txt", "a < in.txt", "(x)", "it's",
        "a\"b", "\"", "\"\"", "a\"&echo PWNED", "a\\\"&echo PWNED", "*", "", "two  spaces", "tab\there", "back\\slash",
        "trailing\\", "trailing\\\\", "C:\\Program Files\\x\\", "!bang", "!x!", "^", "a^b", "^&", "-n", "{}", "'", "\"a b\"",
        "\\\"", "ü and ä", "a,b;c=d",
    };

    public static TheoryData<string> HostileData() => new(Hostile);

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("C:\\dir\\file.txt", "C:\\dir\\file.txt")]
    [InlineData("a b", "\"a b\"")]
    [InlineData("x & del *", "\"x & del *\"")]
    [InlineData("a|b", "\"a|b\"")]
    [InlineData("C:\\my dir\\", "\"C:\\my dir\\\\\"")]
    [InlineData("!x!", "\"!x!\"")]
    [InlineData("1^2", "\"1^2\"")]
    [InlineData("", "\"\"")]
    [InlineData("say \"hi\"", "^\"say \\^\"hi\\^\"^\"")]
    [InlineData("a\"&calc", "^\"a\\^\"^&calc^\"")]
    public void Quote_GivesTheDocumentedForm(string value, string quoted) => Assert.Equal(quoted, WindowsCmdQuoter.Quote(value));

    [Theory]
    [MemberData(nameof(HostileData))]
    public void Quote_LeavesCmdNothingToInterpret_AndTheProgramGetsTheValueBack(string value)
    {
        string line = "prog " + WindowsCmdQuoter.Quote(value) + " end";
        string passed = CmdModel.Parse(line, out var interpreted);
        Assert.True(interpreted.Count == 0, $"cmd would act on {string.Join(", ", interpreted)} in {line}");
        Assert.Equal(new[] { "prog", value, "end" }, CrtModel.Split(passed));
    }

    [Theory]
    [InlineData("%PATH%")]
    [InlineData("100%")]
    [InlineData("%")]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    [InlineData("a\0b")]
    public void Quote_RefusesWhatCmdWouldExpandOrCut_NamingTheValue(string value)
    {
        var e = Assert.Throws<CmdValueRefusedException>(() => WindowsCmdQuoter.Quote(value));
        Assert.Contains("cmd.exe", e.Message);
        Assert.Contains(value.Replace("\n", "\\n").Replace("\r", "\\r").Replace("\0", "\\0"), e.Message);
    }

    [Fact]
    public void Resolve_OnWindows_RunsCmdWithoutAutoRunOrDelayedExpansion()
    {
        var launch = CommandSpec.Shell("echo {}", "a & b").Resolve(0, 0, windows: true, comspec: "C:\\Windows\\system32\\cmd.exe");
        Assert.Null(launch.Refused);
        Assert.Equal("C:\\Windows\\system32\\cmd.exe", launch.FileName);
        Assert.Equal("/d /v:off /s /c \"echo \"a & b\"\"", launch.WindowsArguments);
    }

    [Fact]
    public void Resolve_RefusesAValueWithAPercent_NamingIt()
    {
        var launch = CommandSpec.Shell("echo {}", "%USERNAME%").Resolve(0, 0, windows: true, comspec: "cmd.exe");
        Assert.NotNull(launch.Refused);
        Assert.Contains("'%USERNAME%'", launch.Refused);
        // The same value is data for /bin/sh.
        Assert.Null(CommandSpec.Shell("echo {}", "%USERNAME%").Resolve(0, 0, windows: false, comspec: null).Refused);
    }

    [Theory]
    [InlineData("type \"{}\"")]
    [InlineData("echo \"x {/}\" y")]
    [InlineData("copy {} \"{1.}.bak\"")]
    public void Resolve_RefusesATokenInsideTheTemplatesOwnQuotes(string template)
    {
        var launch = CommandSpec.Shell(template, "a\"&echo PWNED").Resolve(0, 0, windows: true, comspec: "cmd.exe");
        Assert.NotNull(launch.Refused);
        Assert.Contains("inside its own double quotes", launch.Refused);
    }

    [Fact]
    public void Resolve_ATokenAfterTheTemplatesQuotedText_IsFine()
    {
        var launch = CommandSpec.Shell("\"C:\\Program Files\\x.exe\" {} \"{#}\"", "a b").Resolve(0, 0, windows: true, comspec: "cmd.exe");
        Assert.Null(launch.Refused);
        Assert.Equal("\"C:\\Program Files\\x.exe\" \"a b\" \"1\"", launch.Display);
    }

    [Theory]
    [InlineData("C:\\t\\run.bat")]
    [InlineData("C:\\t\\RUN.CMD")]
    [InlineData("C:\\t\\run.bat. .")]
    public void Resolve_BatchFileByFilePath_GoesThroughTheCmdQuoter(string batch)
    {
        var launch = CommandSpec.Program(batch, new[] { "a\"&echo PWNED", "x y" }).Resolve(0, 0, windows: true, comspec: "cmd.exe");
        Assert.Null(launch.Refused);
        Assert.Equal("cmd.exe", launch.FileName);
        string line = "\"" + batch + "\" " + WindowsCmdQuoter.Quote("a\"&echo PWNED") + " \"x y\"";
        Assert.Equal("/d /v:off /s /c \"" + line + "\"", launch.WindowsArguments);
        CmdModel.Parse(line, out var interpreted);
        Assert.Empty(interpreted);
    }

    [Fact]
    public void Resolve_BatchFileArgumentWithAPercent_IsRefused_AnExeIsNot()
    {
        Assert.Contains("'50%'", CommandSpec.Program("C:\\t\\run.cmd", new[] { "50%" }).Resolve(0, 0, windows: true, comspec: "cmd.exe").Refused);
        var exe = CommandSpec.Program("C:\\t\\run.exe", new[] { "50%" }).Resolve(0, 0, windows: true, comspec: "cmd.exe");
        Assert.Null(exe.Refused);
        Assert.Equal("C:\\t\\run.exe", exe.FileName);
        Assert.Equal(new[] { "50%" }, exe.Arguments);
    }

    /// <summary>
    /// cmd.exe's reading of a command line, as documented for Windows (phase 2 of its parser: quotes toggle a
    /// quoted state, ^ outside quotes takes the next character literally and is removed). Returns the line
    /// as the program receives it; <paramref name="interpreted"/> lists what cmd would act on outside quotes.
    /// </summary>
    internal static class CmdModel
    {
        public static string Parse(string line, out List<string> interpreted)
        {
            interpreted = new List<string>();
            var sb = new StringBuilder();
            bool quoted = false;
            for (int i = 0; i < line.Length; i++)
            {
                char c = line[i];
                if (c == '%') interpreted.Add("% at " + i);
                if (!quoted && c == '^')
                {
                    if (i + 1 < line.Length) sb.Append(line[++i]);
                    continue;
                }
                if (c == '"') quoted = !quoted;
                else if (!quoted && "&|<>()!".IndexOf(c) >= 0) interpreted.Add($"'{c}' at {i}");
                sb.Append(c);
            }
            if (quoted) interpreted.Add("an unclosed quote");
            return sb.ToString();
        }
    }

    /// <summary>The Microsoft C runtime's splitting of a command line into arguments (2008 and later rules).</summary>
    internal static class CrtModel
    {
        public static List<string> Split(string line)
        {
            var args = new List<string>();
            int i = 0;
            while (true)
            {
                while (i < line.Length && (line[i] == ' ' || line[i] == '\t')) i++;
                if (i >= line.Length) return args;
                var sb = new StringBuilder();
                bool quoted = false;
                while (i < line.Length && (quoted || (line[i] != ' ' && line[i] != '\t')))
                {
                    int slashes = 0;
                    while (i < line.Length && line[i] == '\\') { slashes++; i++; }
                    if (i < line.Length && line[i] == '"')
                    {
                        sb.Append('\\', slashes / 2);
                        if (slashes % 2 == 1) { sb.Append('"'); i++; continue; }
                        if (quoted && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i += 2; continue; }
                        quoted = !quoted;
                        i++;
                        continue;
                    }
                    sb.Append('\\', slashes);
                    if (i < line.Length && (quoted || (line[i] != ' ' && line[i] != '\t'))) sb.Append(line[i++]);
                }
                args.Add(sb.ToString());
            }
        }
    }
}
