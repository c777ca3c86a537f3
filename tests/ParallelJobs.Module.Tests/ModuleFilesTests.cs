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

    [Fact]
    public void Manifest_PointsAtFilesTheBuildLaysOut()
    {
        var root = Regex.Match(Manifest, @"RootModule\s*=\s*'([^']+)'").Groups[1].Value;
        Assert.True(File.Exists(Path.Combine(_m.RepoRoot, root)), root);
        foreach (var f in ListValue(Manifest, "FormatsToProcess"))
            Assert.True(File.Exists(Path.Combine(_m.RepoRoot, f)), f);
        var version = Regex.Match(Manifest, @"ModuleVersion\s*=\s*'([^']+)'").Groups[1].Value;
        Assert.Equal(version, _m.Cmdlets.GetName().Version!.ToString(3));
    }

    [Fact]
    public void EveryAssemblyTheModuleReferences_ShipsInBinOrComesWithPowerShell()
    {
        // netstandard2.0 itself and PowerShell's own assembly come with every PowerShell; anything else must be in
        // bin/, at the version referenced or later, or Windows PowerShell 5.1 cannot load the module.
        var platform = new[] { "netstandard", "System.Management.Automation" };
        var checkedNames = new List<string>();
        foreach (var assembly in new[] { _m.Cmdlets, _m.Engine })
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (platform.Contains(reference.Name)) continue;
                string path = Path.Combine(_m.BinDir, reference.Name + ".dll");
                Assert.True(File.Exists(path), $"{assembly.GetName().Name} references {reference.FullName}, which is not in {_m.BinDir}");
                var shipped = System.Reflection.AssemblyName.GetAssemblyName(path);
                Assert.True(shipped.Version >= reference.Version, $"bin/{reference.Name}.dll is {shipped.Version}, {assembly.GetName().Name} needs {reference.Version}");
                checkedNames.Add(reference.Name!);
            }
        }
        Assert.Contains("ParallelJobs.Engine", checkedNames);
        Assert.Contains("System.Numerics.Vectors", checkedNames);
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
                var type = _m.FindType(typeName);
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
