namespace ParallelJobs.Module.Tests;

/// <summary>Paths known at build time: the NuGet cache, the PowerShell Standard package, the repo root.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class BuildInfoAttribute(string nuGetPackageRoot, string powerShellStandardRoot, string repoRoot) : Attribute
{
    public string NuGetPackageRoot { get; } = nuGetPackageRoot;
    public string PowerShellStandardRoot { get; } = powerShellStandardRoot;
    public string RepoRoot { get; } = repoRoot;

    public static BuildInfoAttribute Current =>
        (BuildInfoAttribute)typeof(BuildInfoAttribute).Assembly.GetCustomAttributes(typeof(BuildInfoAttribute), false).Single();
}
