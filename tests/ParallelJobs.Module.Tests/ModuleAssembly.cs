using System.Reflection;
using System.Runtime.InteropServices;

namespace ParallelJobs.Module.Tests;

/// <summary>
/// One build of the module (repo bin/&lt;framework&gt;/, net8.0 unless told) loaded for inspection only, with
/// System.Reflection.MetadataLoadContext: the PowerShell Standard reference assembly cannot run, but its
/// metadata can be read.
/// </summary>
public sealed class ModuleAssembly : IDisposable
{
    /// <summary>The builds the module ships: net8.0 for PowerShell 7.4+, netstandard2.0 for Windows PowerShell 5.1.</summary>
    public static readonly string[] Frameworks = { "net8.0", "netstandard2.0" };

    public ModuleAssembly() : this("net8.0") { }

    internal ModuleAssembly(string framework)
    {
        var info = BuildInfoAttribute.Current;
        RepoRoot = info.RepoRoot;
        Framework = framework;
        BinDir = Path.Combine(RepoRoot, "bin", framework);
        string sma = Path.Combine(info.PowerShellStandardRoot, "lib", "netstandard2.0", "System.Management.Automation.dll");
        var paths = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll").ToList();
        paths.Add(sma);
        paths.Add(Path.Combine(BinDir, "ParallelJobs.dll"));
        paths.Add(Path.Combine(BinDir, "ParallelJobs.Engine.dll"));
        paths.Add(Path.Combine(BinDir, "ParallelJobs.Quality.dll"));
        if (File.Exists(Path.Combine(BinDir, "System.Numerics.Vectors.dll"))) paths.Add(Path.Combine(BinDir, "System.Numerics.Vectors.dll"));
        Context = new MetadataLoadContext(new PathAssemblyResolver(paths), "System.Private.CoreLib");
        Cmdlets = Context.LoadFromAssemblyPath(Path.Combine(BinDir, "ParallelJobs.dll"));
        Engine = Context.LoadFromAssemblyPath(Path.Combine(BinDir, "ParallelJobs.Engine.dll"));
        Quality = Context.LoadFromAssemblyPath(Path.Combine(BinDir, "ParallelJobs.Quality.dll"));
        Automation = Context.LoadFromAssemblyPath(sma);
        CmdletTypes = Cmdlets.GetExportedTypes()
            .Where(t => !t.IsAbstract && IsCmdlet(t))
            .OrderBy(t => t.Name)
            .ToList();
    }

    public string RepoRoot { get; }
    public string Framework { get; }
    /// <summary>bin/&lt;framework&gt;: this build's DLLs (the format and help files are in bin/, shared).</summary>
    public string BinDir { get; }
    public MetadataLoadContext Context { get; }
    public Assembly Cmdlets { get; }
    public Assembly Engine { get; }
    public Assembly Quality { get; }

    /// <summary>The module's own assemblies: cmdlets, engine, quality.</summary>
    public IReadOnlyList<Assembly> ModuleAssemblies => new[] { Cmdlets, Engine, Quality };
    public Assembly Automation { get; }
    public IReadOnlyList<Type> CmdletTypes { get; }

    public static CustomAttributeData? Attribute(MemberInfo m, string fullName) =>
        m.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == fullName);

    public static IEnumerable<CustomAttributeData> Attributes(MemberInfo m, string fullName) =>
        m.GetCustomAttributesData().Where(a => a.AttributeType.FullName == fullName);

    public static T? Named<T>(CustomAttributeData a, string name)
    {
        var arg = a.NamedArguments.FirstOrDefault(n => n.MemberName == name);
        return arg.MemberInfo == null ? default : (T?)arg.TypedValue.Value;
    }

    /// <summary>"Verb-Noun" from a type's [Cmdlet] attribute.</summary>
    public static string CmdletName(Type t)
    {
        var a = Attribute(t, "System.Management.Automation.CmdletAttribute")!;
        return a.ConstructorArguments[0].Value + "-" + a.ConstructorArguments[1].Value;
    }

    public Type? FindType(string fullName) => Engine.GetType(fullName) ?? Quality.GetType(fullName) ?? Cmdlets.GetType(fullName);

    private static bool IsCmdlet(Type t)
    {
        for (var b = t.BaseType; b != null; b = b.BaseType)
            if (b.FullName == "System.Management.Automation.Cmdlet") return true;
        return false;
    }

    public void Dispose() => Context.Dispose();
}
