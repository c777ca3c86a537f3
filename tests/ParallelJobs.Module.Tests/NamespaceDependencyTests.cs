using System.Text.RegularExpressions;

namespace ParallelJobs.Module.Tests;

/// <summary>
/// Namespaces follow folders, and within each assembly the folders depend on each other one way only: a reader can
/// learn a folder by reading what it uses, never a loop back to where they started. The check reads the sources
/// (declared types per namespace, and which of them each file names outside comments and strings), so it sees
/// references the compiler resolves without a `using` (a child namespace sees its parent's types).
/// </summary>
public sealed class NamespaceDependencyTests : IClassFixture<ModuleAssembly>
{
    private readonly ModuleAssembly _m;

    public NamespaceDependencyTests(ModuleAssembly m) => _m = m;

    [Theory]
    [InlineData("ParallelJobs.Engine")]
    [InlineData("ParallelJobs.Quality")]
    [InlineData("ParallelJobs")]
    public void NamespacesOfAnAssemblyFormNoCycle(string project)
    {
        var graph = NamespaceGraph(Path.Combine(_m.RepoRoot, "src", project), out var why);
        Assert.True(graph.Count > 1, "expected several namespaces in " + project);
        var cycle = FindCycle(graph);
        Assert.True(cycle == null, project + ": namespaces form a cycle: " + (cycle == null ? "" :
            string.Join(" -> ", cycle) + "; " + string.Join("; ", cycle.Zip(cycle.Skip(1), (a, b) => why[(a, b)]))));
    }

    [Fact]
    public void TheCheckSeesACycleThroughAParentNamespace()
    {
        // The shape the Quality assembly once had: root result types built from Statistics, and Statistics
        // making root rows. If the reader misses either direction, the test above proves nothing.
        var dir = Directory.CreateTempSubdirectory("namespaces-");
        try
        {
        Directory.CreateDirectory(Path.Combine(dir.FullName, "Statistics"));
        File.WriteAllText(Path.Combine(dir.FullName, "Result.cs"),
            "using ParallelJobs.Statistics;\nnamespace ParallelJobs\n{\n    public sealed class Result { internal Histogram? H; }\n}\n");
        File.WriteAllText(Path.Combine(dir.FullName, "Statistics", "Histogram.cs"),
            "namespace ParallelJobs.Statistics\n{\n    // Result in a comment does not count, nor does a nested type's name.\n    internal sealed class Histogram\n    {\n        private sealed class Rows { }\n        Result Make() => new Result();\n    }\n}\n");
        var cycle = FindCycle(NamespaceGraph(dir.FullName, out _));
        Assert.Equal(new[] { "ParallelJobs", "ParallelJobs.Statistics", "ParallelJobs" }, cycle);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static readonly Regex NamespaceLine = new(@"^\s*namespace\s+([\w.]+)", RegexOptions.Multiline);
    private static readonly Regex TypeDeclaration = new(@"^([ \t]*)(?:[a-z]+\s+)*(?:class|struct|interface|enum|record|delegate\s+[\w<>\[\]?,\s]+?)\s+([A-Z]\w*)", RegexOptions.Multiline);
    private static readonly Regex Identifier = new(@"\b[A-Z]\w*\b");
    private static readonly Regex CommentsAndStrings = new(@"//[^\n]*|/\*.*?\*/|@""(?:""""|[^""])*""|""(?:\\.|[^""\\\n])*""|'(?:\\.|[^'\\\n])'", RegexOptions.Singleline);

    /// <summary>Namespace → namespaces of the same sources whose types it names; <paramref name="why"/> says, per edge, one file and type that makes it.</summary>
    private static Dictionary<string, SortedSet<string>> NamespaceGraph(string root, out Dictionary<(string, string), string> why)
    {
        why = new Dictionary<(string, string), string>();
        var files = Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar)
                     && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar))
            .Select(f => (File: Path.GetRelativePath(root, f), Namespace: NamespaceLine.Match(File.ReadAllText(f)).Groups[1].Value,
                          Code: CommentsAndStrings.Replace(File.ReadAllText(f), " ")))
            .ToList();
        // A type name declared in two namespaces cannot be attributed from its name alone: leave it out. Nested
        // types (indented deeper than the file's outermost declarations) are not seen from other namespaces.
        var owners = files.SelectMany(f => TopLevelTypes(f.Code).Select(t => (Type: t, f.Namespace)))
            .Distinct().GroupBy(t => t.Type).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single().Namespace);
        var graph = new Dictionary<string, SortedSet<string>>();
        foreach (var (file, ns, code) in files)
        {
            if (!graph.TryGetValue(ns, out var uses)) graph[ns] = uses = new SortedSet<string>(StringComparer.Ordinal);
            foreach (Match m in Identifier.Matches(code))
                if (owners.TryGetValue(m.Value, out var owner) && owner != ns && uses.Add(owner)) why[(ns, owner)] = file + " names " + m.Value;
        }
        return graph;
    }

    private static IEnumerable<string> TopLevelTypes(string code)
    {
        var declarations = TypeDeclaration.Matches(code).Select(m => (Indent: m.Groups[1].Length, Name: m.Groups[2].Value)).ToList();
        return declarations.Count == 0 ? Enumerable.Empty<string>()
            : declarations.Where(d => d.Indent == declarations.Min(x => x.Indent)).Select(d => d.Name);
    }

    /// <summary>A path n0 → … → n0 in the graph, or null.</summary>
    private static string[]? FindCycle(Dictionary<string, SortedSet<string>> graph)
    {
        var state = new Dictionary<string, int>(); // 1: on the current path, 2: done
        var path = new List<string>();
        string[]? Visit(string n)
        {
            state[n] = 1;
            path.Add(n);
            foreach (var next in graph.TryGetValue(n, out var s) ? s : new SortedSet<string>())
            {
                if (state.TryGetValue(next, out int st) && st == 1)
                    return path.Skip(path.IndexOf(next)).Append(next).ToArray();
                if (st == 0 && Visit(next) is { } found) return found;
            }
            path.RemoveAt(path.Count - 1);
            state[n] = 2;
            return null;
        }
        foreach (var n in graph.Keys.OrderBy(k => k, StringComparer.Ordinal))
            if (!state.ContainsKey(n) && Visit(n) is { } cycle) return cycle;
        return null;
    }
}
