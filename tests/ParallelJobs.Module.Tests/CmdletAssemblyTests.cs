using System.Reflection;

namespace ParallelJobs.Module.Tests;

/// <summary>What PowerShell would refuse or users would trip over, checked on the compiled cmdlets.</summary>
public class CmdletAssemblyTests : IClassFixture<ModuleAssembly>
{
    private const string Sma = "System.Management.Automation.";
    private readonly ModuleAssembly _m;

    public CmdletAssemblyTests(ModuleAssembly m) => _m = m;

    public static TheoryData<string> CmdletNames()
    {
        using var m = new ModuleAssembly();
        var data = new TheoryData<string>();
        foreach (var t in m.CmdletTypes) data.Add(t.FullName!);
        return data;
    }

    private Type Cmdlet(string fullName) => _m.Cmdlets.GetType(fullName)!;

    /// <summary>
    /// The README's `dotnet build` (Debug unless told) lays out the module users import: its assemblies must be
    /// optimized, or the runtime compiles every method of them without optimization (DebuggableAttribute's
    /// DisableOptimizations) and the counting loops run slower than they should.
    /// </summary>
    [Fact]
    public void TheModuleAssembliesAreOptimizedWhateverTheConfiguration()
    {
        foreach (var framework in ModuleAssembly.Frameworks)
        {
            using var m = new ModuleAssembly(framework);
            foreach (var assembly in m.ModuleAssemblies)
            {
                var debuggable = assembly.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == "System.Diagnostics.DebuggableAttribute");
                // DebuggableAttribute(DebuggingModes) as the compiler writes it; the (bool, bool) form says "JIT optimizer disabled" second.
                var args = debuggable?.ConstructorArguments;
                int modes = args == null ? 0 : args.Count == 1 ? Convert.ToInt32(args[0].Value, System.Globalization.CultureInfo.InvariantCulture)
                    : (bool)args[1].Value! ? 0x100 : 0;
                const int disableOptimizations = 0x100;
                Assert.True((modes & disableOptimizations) == 0, framework + "/" + assembly.GetName().Name + ".dll is built without optimization (DebuggableAttribute modes 0x" + modes.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + ")");
            }
        }
    }

    [Fact]
    public void TheModuleHasItsCmdlets()
    {
        Assert.Contains(_m.CmdletTypes, t => ModuleAssembly.CmdletName(t) == "Start-ParallelCommand");
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void EveryCmdlet_HasCmdletAndOutputType_WithAnApprovedVerb(string type)
    {
        var t = Cmdlet(type);
        var cmdlet = ModuleAssembly.Attribute(t, Sma + "CmdletAttribute");
        Assert.NotNull(cmdlet);
        Assert.NotEmpty(ModuleAssembly.Attributes(t, Sma + "OutputTypeAttribute"));
        string verb = (string)cmdlet!.ConstructorArguments[0].Value!;
        var approved = _m.Automation.GetExportedTypes()
            .Where(v => v.Name.StartsWith("Verbs", StringComparison.Ordinal))
            .SelectMany(v => v.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Contains(verb, approved);
        string noun = (string)cmdlet.ConstructorArguments[1].Value!;
        Assert.False(noun.EndsWith("s", StringComparison.Ordinal) && !noun.EndsWith("ss", StringComparison.Ordinal), $"noun '{noun}' should be singular");
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void ParameterSets_AreSane(string type)
    {
        var t = Cmdlet(type);
        var cmdletAttr = ModuleAssembly.Attribute(t, Sma + "CmdletAttribute")!;
        string? defaultSet = ModuleAssembly.Named<string>(cmdletAttr, "DefaultParameterSetName");
        const string all = "__AllParameterSets";
        var parameters = t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .SelectMany(p => ModuleAssembly.Attributes(p, Sma + "ParameterAttribute").Select(a => (Property: p, Attr: a)))
            .ToList();
        Assert.NotEmpty(parameters);
        var sets = parameters.Select(p => ModuleAssembly.Named<string>(p.Attr, "ParameterSetName") ?? all).Distinct().ToList();
        var named = sets.Where(s => s != all).ToList();
        if (named.Count > 1) Assert.Contains(defaultSet, named);

        foreach (var set in named.DefaultIfEmpty(all))
        {
            var inSet = parameters.Where(p => (ModuleAssembly.Named<string>(p.Attr, "ParameterSetName") ?? all) is var s && (s == set || s == all)).ToList();
            var positions = inSet
                .Select(p => p.Attr.NamedArguments.Where(n => n.MemberName == "Position").Select(n => (int)n.TypedValue.Value!).DefaultIfEmpty(int.MinValue).First())
                .Where(p => p != int.MinValue).ToList();
            Assert.True(positions.Count == positions.Distinct().Count(), $"{type}: two parameters share a position in set '{set}'");
            int byValue = inSet.Count(p => ModuleAssembly.Named<bool>(p.Attr, "ValueFromPipeline"));
            Assert.True(byValue <= 1, $"{type}: {byValue} parameters take pipeline input by value in set '{set}'");
        }

        foreach (var p in parameters.Select(p => p.Property).Distinct())
            Assert.True(p.CanRead && p.CanWrite && p.SetMethod!.IsPublic, $"{type}.{p.Name} must be a public read/write property");
    }

    [Fact]
    public void Cmdlets_ValidateTheirNumbers_WithAttributesNotHandChecks()
    {
        var start = _m.CmdletTypes.Single(t => ModuleAssembly.CmdletName(t) == "Start-ParallelCommand");
        var throttle = start.GetProperty("ThrottleLimit")!;
        var range = ModuleAssembly.Attribute(throttle, Sma + "ValidateRangeAttribute");
        Assert.NotNull(range);
        Assert.Equal(1, (int)range!.ConstructorArguments[0].Value!);
        Assert.NotNull(ModuleAssembly.Attribute(start.GetProperty("Command")!, Sma + "ValidateNotNullOrEmptyAttribute"));
    }

    [Fact]
    public void EngineAndQualityHaveNoPowerShellReference()
    {
        Assert.DoesNotContain(_m.Engine.GetReferencedAssemblies(), a => a.Name == "System.Management.Automation");
        Assert.DoesNotContain(_m.Quality.GetReferencedAssemblies(), a => a.Name == "System.Management.Automation");
        Assert.Contains(_m.Cmdlets.GetReferencedAssemblies(), a => a.Name == "System.Management.Automation");
    }

    [Fact]
    public void Quality_UsesOnlyTheEnginesRunContract()
    {
        // The quality assembly shares the engine's event channel and progress (Runs/), so cmdlets drive both kinds
        // of run alike; the scheduler, processes and output files stay out of it.
        using var file = File.OpenRead(Path.Combine(_m.BinDir, "ParallelJobs.Quality.dll"));
        using var pe = new System.Reflection.PortableExecutable.PEReader(file);
        var md = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        var used = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var handle in md.TypeReferences)
        {
            var type = md.GetTypeReference(handle);
            if (type.ResolutionScope.Kind != System.Reflection.Metadata.HandleKind.AssemblyReference) continue;
            var assembly = md.GetAssemblyReference((System.Reflection.Metadata.AssemblyReferenceHandle)type.ResolutionScope);
            if (md.GetString(assembly.Name) == "ParallelJobs.Engine") used.Add(md.GetString(type.Namespace) + "." + md.GetString(type.Name));
        }
        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.StartsWith("ParallelJobs.Runs.", name, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("net8.0", ".NETCoreApp,Version=v8.0")]
    [InlineData("netstandard2.0", ".NETStandard,Version=v2.0")]
    public void EveryModuleAssembly_InEachFolder_TargetsThatFolderFramework(string framework, string frameworkName)
    {
        using var m = new ModuleAssembly(framework);
        foreach (var a in m.ModuleAssemblies)
        {
            var tf = a.GetCustomAttributesData().Single(x => x.AttributeType.FullName == "System.Runtime.Versioning.TargetFrameworkAttribute");
            Assert.Equal(frameworkName, tf.ConstructorArguments[0].Value);
        }
    }

    /// <summary>
    /// .NET Framework (Windows PowerShell 5.1) binds a strong-named reference to exactly its version: a module
    /// assembly compiled against one version of a DLL that the folder ships in another fails to load the code
    /// that uses it (FileLoadException, "manifest definition does not match"). So every reference from the
    /// module's assemblies to an assembly shipped beside them must name the shipped version.
    /// </summary>
    [Theory]
    [InlineData("netstandard2.0")]
    [InlineData("net8.0")]
    public void ReferencesToAssembliesShippedBesideTheModule_NameTheShippedVersion(string framework)
    {
        string bin = Path.Combine(BuildInfoAttribute.Current.RepoRoot, "bin", framework);
        var shipped = Directory.GetFiles(bin, "*.dll").ToDictionary(f => AssemblyName.GetAssemblyName(f).Name!, f => AssemblyName.GetAssemblyName(f).Version!);
        int checkedReferences = 0;
        foreach (var file in Directory.GetFiles(bin, "ParallelJobs*.dll"))
        {
            using var stream = File.OpenRead(file);
            using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
            var md = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
            foreach (var handle in md.AssemblyReferences)
            {
                var reference = md.GetAssemblyReference(handle);
                string name = md.GetString(reference.Name);
                if (!shipped.TryGetValue(name, out var version)) continue;
                checkedReferences++;
                Assert.True(version == reference.Version, $"{Path.GetFileName(file)} references {name} {reference.Version}, but bin/{framework} ships {version}");
            }
        }
        Assert.True(checkedReferences > 0, "no reference between the module's assemblies was found");
    }
}
