namespace ParallelJobs.Module.Tests;

/// <summary>
/// Runs tests/pester/*.Tests.ps1 in a real PowerShell with Pester 5, one xunit case per file, against
/// the module as `dotnet build` laid it out (repo root ParallelJobs.psd1). Reported skipped, with the
/// reason, when no PowerShell 7 with Pester 5 can be found.
/// </summary>
public class PesterSuiteTests
{
    private readonly ITestOutputHelper _output;

    public PesterSuiteTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> PesterFiles()
    {
        var data = new TheoryData<string>();
        var dir = Path.Combine(BuildInfoAttribute.Current.RepoRoot, "tests", "pester");
        foreach (var f in Directory.GetFiles(dir, "*.Tests.ps1").OrderBy(f => f)) data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(PesterFiles))]
    public void PesterFilePasses(string file)
    {
        var host = PowerShellHost.Get(out var whyNot);
        if (host == null) Assert.Skip("Pester suite not run: " + whyNot);

        string root = BuildInfoAttribute.Current.RepoRoot;
        string path = Path.Combine(root, "tests", "pester", file);
        string import = host!.PesterManifest != null
            ? $"Import-Module '{host.PesterManifest}' -Force"
            : "Import-Module Pester -MinimumVersion 5.0 -MaximumVersion 5.99 -Force";
        string script = $@"
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
{import}
$c = New-PesterConfiguration
$c.Run.Path = '{path.Replace("'", "''")}'
$c.Run.PassThru = $true
$c.Output.Verbosity = 'Detailed'
$c.Output.RenderMode = 'Plaintext'
$r = Invoke-Pester -Configuration $c
if ($r.TotalCount -eq 0) {{ Write-Host 'no tests found'; exit 3 }}
exit $r.FailedCount + $r.FailedBlocksCount + $r.FailedContainersCount
";
        var (code, output) = host.Run(script, TimeSpan.FromMinutes(8), root);
        _output.WriteLine($"[{host.Description}]");
        _output.WriteLine(output);
        Assert.True(code == 0, $"Pester reported failures in {file} (exit {code}):\n{output}");
    }
}
