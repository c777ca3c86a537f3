using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ParallelJobs.Module.Tests;

/// <summary>The manifest, format and help files name what really exists.</summary>
public class ModuleFilesTests : IClassFixture<ModuleAssembly>
{
    private readonly ModuleAssembly _m;
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public ModuleFilesTests(ModuleAssembly m) => _m = m;

    private string Manifest => File.ReadAllText(Path.Combine(_m.RepoRoot, "ParallelJobs.psd1"));

    private static List<string> ListValue(string psd1, string key)
    {
        var match = Regex.Match(psd1, key + @"\s*=\s*@\(([^)]*)\)", RegexOptions.Singleline);
        Assert.True(match.Success, $"manifest has no {key} = @(...)");
        return Regex.Matches(match.Groups[1].Value, "'([^']*)'").Select(x => x.Groups[1].Value).ToList();
    }

    [Fact]
    public void Manifest_ExportsExactlyTheCmdletsThatExist()
    {
        var exported = ListValue(Manifest, "CmdletsToExport").OrderBy(x => x).ToList();
        var actual = _m.CmdletTypes.Select(ModuleAssembly.CmdletName).OrderBy(x => x).ToList();
        Assert.Equal(actual, exported);
        Assert.Empty(ListValue(Manifest, "FunctionsToExport"));
    }

    /// <summary>The quoted .dll paths in a manifest entry, e.g. both branches of RootModule's `if ($PSEdition ...)`.</summary>
    private static List<string> QuotedPaths(string psd1, string key)
    {
        var line = Regex.Match(psd1, @"^\s*" + key + @"\s*=(.*)$", RegexOptions.Multiline);
        Assert.True(line.Success, $"manifest has no {key}");
        var paths = Regex.Matches(line.Groups[1].Value, @"'([^']*\.dll)'").Select(x => x.Groups[1].Value).ToList();
        Assert.NotEmpty(paths);
        Assert.Equal(paths.Count(x => x.StartsWith("bin/net8.0/")), paths.Count(x => x.StartsWith("bin/netstandard2.0/")));
        return paths;
    }

    [Fact]
    public void Manifest_PointsAtFilesTheBuildLaysOut()
    {
        foreach (var f in QuotedPaths(Manifest, "RootModule").Concat(QuotedPaths(Manifest, "RequiredAssemblies")))
            Assert.True(File.Exists(Path.Combine(_m.RepoRoot, f)), f);
        foreach (var dll in new[] { "ParallelJobs.Engine.dll", "ParallelJobs.Quality.dll" })
            Assert.Contains(QuotedPaths(Manifest, "RequiredAssemblies"), f => f.EndsWith("/" + dll));
        foreach (var f in ListValue(Manifest, "FormatsToProcess"))
            Assert.True(File.Exists(Path.Combine(_m.RepoRoot, f)), f);
        var version = Regex.Match(Manifest, @"ModuleVersion\s*=\s*'([^']+)'").Groups[1].Value;
        Assert.Equal(version, _m.Cmdlets.GetName().Version!.ToString(3));
    }

    [Fact]
    public void Manifest_PicksTheBuildByEdition()
    {
        // Core (PowerShell 7.4+) gets the net8.0 build, Desktop (Windows PowerShell 5.1) the netstandard2.0 one.
        foreach (var key in new[] { "RootModule", "RequiredAssemblies" })
        {
            var line = Regex.Match(Manifest, @"^\s*" + key + @"\s*=(.*)$", RegexOptions.Multiline).Groups[1].Value;
            var branches = Regex.Match(line, @"^\s*if\s*\(\$PSEdition -eq 'Core'\)\s*\{(.*)\}\s*else\s*\{(.*)\}\s*$");
            Assert.True(branches.Success, $"{key} does not choose by $PSEdition: {line}");
            Assert.Contains("'bin/net8.0/", branches.Groups[1].Value);
            Assert.DoesNotContain("netstandard2.0", branches.Groups[1].Value);
            Assert.Contains("'bin/netstandard2.0/", branches.Groups[2].Value);
            Assert.DoesNotContain("net8.0", branches.Groups[2].Value);
        }
    }

    public static TheoryData<string> Frameworks() => new(ModuleAssembly.Frameworks);

    [Theory]
    [MemberData(nameof(Frameworks))]
    public void EveryAssemblyABuildReferences_ShipsInItsFolderOrComesWithPowerShell(string framework)
    {
        // Windows PowerShell 5.1 brings netstandard and its own System.Management.Automation, nothing else this module
        // needs: the rest must be in bin/netstandard2.0/, at the version referenced or later. PowerShell 7.4+ runs on
        // .NET 8 or later, so the net8.0 build may also use anything of the .NET runtime.
        using var m = new ModuleAssembly(framework);
        var runtimeDir = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
        var platform = new[] { "netstandard", "System.Management.Automation" };
        var shippedNames = new List<string>();
        foreach (var assembly in m.ModuleAssemblies)
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (platform.Contains(reference.Name)) continue;
                if (framework == "net8.0" && File.Exists(Path.Combine(runtimeDir, reference.Name + ".dll"))) continue;
                string path = Path.Combine(m.BinDir, reference.Name + ".dll");
                Assert.True(File.Exists(path), $"{assembly.GetName().Name} references {reference.FullName}, which is not in {m.BinDir}");
                var shipped = System.Reflection.AssemblyName.GetAssemblyName(path);
                Assert.True(shipped.Version >= reference.Version, $"bin/{framework}/{reference.Name}.dll is {shipped.Version}, {assembly.GetName().Name} needs {reference.Version}");
                shippedNames.Add(reference.Name!);
            }
        }
        Assert.Contains("ParallelJobs.Engine", shippedNames);
        Assert.Contains("ParallelJobs.Quality", shippedNames);
        if (framework == "netstandard2.0")
            Assert.Contains("System.Numerics.Vectors", shippedNames);
        else
            Assert.False(File.Exists(Path.Combine(m.BinDir, "System.Numerics.Vectors.dll")), "the net8.0 build uses the runtime's Vector<T>: it ships no System.Numerics.Vectors.dll");
    }

    [Fact]
    public void BothBuilds_HaveTheSamePublicTypesAndCmdlets()
    {
        using var ns = new ModuleAssembly("netstandard2.0");
        static List<string> Names(System.Reflection.Assembly a) => a.GetExportedTypes().Select(t => t.FullName!).OrderBy(x => x).ToList();
        Assert.Equal(Names(ns.Engine), Names(_m.Engine));
        Assert.Equal(Names(ns.Quality), Names(_m.Quality));
        Assert.Equal(Names(ns.Cmdlets), Names(_m.Cmdlets));
        Assert.Equal(ns.CmdletTypes.Select(ModuleAssembly.CmdletName), _m.CmdletTypes.Select(ModuleAssembly.CmdletName));
    }

    public static TheoryData<string> FormatFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(BuildInfoAttribute.Current.RepoRoot, "Module"), "*.format.ps1xml"))
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(FormatFiles))]
    public void FormatViews_NameRealTypesAndProperties(string file)
    {
        var doc = XDocument.Load(Path.Combine(_m.RepoRoot, "Module", file));
        foreach (var view in doc.Descendants("View"))
        {
            var typeNames = view.Element("ViewSelectedBy")!.Elements("TypeName").Select(e => e.Value.Trim()).ToList();
            Assert.NotEmpty(typeNames);
            foreach (var typeName in typeNames)
            {
                // "Type#view" (PowerShell's convention for a second view of a type) names the type before '#'.
                var type = _m.FindType(typeName.Split('#')[0]);
                Assert.True(type != null, $"{file}: view '{view.Element("Name")?.Value}' selects unknown type {typeName}");
                foreach (var prop in view.Descendants("PropertyName").Select(p => p.Value.Trim()))
                    Assert.True(type!.GetProperty(prop) != null, $"{file}: {typeName} has no property {prop}");
            }
        }
    }

    [Fact]
    public void Help_DocumentsEveryCmdletAndEveryParameter_WithExamples()
    {
        var doc = XDocument.Load(Path.Combine(_m.RepoRoot, "Module", "en-US", "ParallelJobs.dll-Help.xml"));
        var entries = doc.Root!.Elements(Command + "command").ToDictionary(c => c.Element(Command + "details")!.Element(Command + "name")!.Value.Trim());
        foreach (var t in _m.CmdletTypes)
        {
            string name = ModuleAssembly.CmdletName(t);
            Assert.True(entries.ContainsKey(name), $"help has no entry for {name}");
            var entry = entries[name];
            Assert.False(string.IsNullOrWhiteSpace(entry.Element(Command + "details")!.Element(Maml + "description")?.Value), $"{name}: no synopsis");
            Assert.NotEmpty(entry.Descendants(Command + "example"));
            var documented = entry.Element(Command + "parameters")?.Elements(Command + "parameter")
                .Select(p => p.Element(Maml + "name")!.Value.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? new HashSet<string>();
            var actual = t.GetProperties()
                .Where(p => ModuleAssembly.Attribute(p, "System.Management.Automation.ParameterAttribute") != null)
                .Select(p => p.Name).ToList();
            foreach (var p in actual) Assert.True(documented.Contains(p), $"{name}: parameter {p} is not in the help");
            foreach (var p in documented) Assert.True(actual.Contains(p, StringComparer.OrdinalIgnoreCase), $"{name}: help documents a parameter {p} that does not exist");
        }
        foreach (var name in entries.Keys)
            Assert.True(_m.CmdletTypes.Any(t => ModuleAssembly.CmdletName(t) == name), $"help documents {name}, which is not a cmdlet");
    }
}
