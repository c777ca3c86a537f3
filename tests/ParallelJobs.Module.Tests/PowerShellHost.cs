using System.Diagnostics;

namespace ParallelJobs.Module.Tests;

/// <summary>
/// Finds a real PowerShell 7 and Pester 5 to run the Pester suite with: $PARALLELJOBS_PWSH, else
/// `pwsh` on PATH, else the PowerShell package that this project's restore put in the NuGet cache
/// (run as `dotnet pwsh.dll`). Pester: an installed Pester 5, else the package from the cache.
/// </summary>
public sealed class PowerShellHost
{
    private PowerShellHost(string fileName, string[] prefixArguments, string? pesterManifest, string description)
    {
        FileName = fileName;
        PrefixArguments = prefixArguments;
        PesterManifest = pesterManifest;
        Description = description;
    }

    public string FileName { get; }
    public string[] PrefixArguments { get; }
    /// <summary>Path of Pester.psd1 to import; null when an installed Pester 5 is used.</summary>
    public string? PesterManifest { get; }
    public string Description { get; }

    private static readonly Lazy<(PowerShellHost? Host, string Why)> Found = new(Find);

    public static PowerShellHost? Get(out string whyNot)
    {
        whyNot = Found.Value.Why;
        return Found.Value.Host;
    }

    private static (PowerShellHost?, string) Find()
    {
        var info = BuildInfoAttribute.Current;
        var candidates = new List<(string File, string[] Prefix, string What)>();
        var fromEnv = Environment.GetEnvironmentVariable("PARALLELJOBS_PWSH");
        if (!string.IsNullOrEmpty(fromEnv)) candidates.Add((fromEnv, Array.Empty<string>(), "$PARALLELJOBS_PWSH"));
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh")).FirstOrDefault(File.Exists);
        if (onPath != null) candidates.Add((onPath, Array.Empty<string>(), "pwsh on PATH"));
        var packaged = Directory.Exists(Path.Combine(info.NuGetPackageRoot, "powershell"))
            ? Directory.GetFiles(Path.Combine(info.NuGetPackageRoot, "powershell"), "pwsh.dll", SearchOption.AllDirectories)
                .Where(p => p.Contains(OperatingSystem.IsWindows() ? "win" : "unix")).OrderByDescending(p => p).FirstOrDefault()
            : null;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        if (packaged != null) candidates.Add((dotnet, new[] { packaged }, "the PowerShell package in the NuGet cache"));

        string pester = Path.Combine(info.NuGetPackageRoot, "pester", "5.7.1", "tools", "Pester.psd1");
        var reasons = new List<string>();
        foreach (var (file, prefix, what) in candidates)
        {
            var version = Probe(file, prefix, "$PSVersionTable.PSVersion.Major");
            if (version == null || !int.TryParse(version, out int major) || major < 7)
            {
                reasons.Add($"{what} ({file}) is not a working PowerShell 7");
                continue;
            }
            var installedPester = Probe(file, prefix, "(Get-Module -ListAvailable Pester | Where-Object { $_.Version.Major -eq 5 } | Select-Object -First 1).Path");
            if (!string.IsNullOrWhiteSpace(installedPester))
                return (new PowerShellHost(file, prefix, null, what + " with installed Pester 5"), "");
            if (File.Exists(pester))
                return (new PowerShellHost(file, prefix, pester, what + " with Pester 5.7.1 from the NuGet cache"), "");
            reasons.Add($"{what} has no Pester 5 (Install-Module Pester -MinimumVersion 5.0, or restore with the Pester package)");
        }
        if (candidates.Count == 0) reasons.Add("no pwsh on PATH, no $PARALLELJOBS_PWSH, and no PowerShell package in the NuGet cache (restore with -p:DownloadPowerShell=true)");
        return (null, string.Join("; ", reasons));
    }

    private static string? Probe(string file, string[] prefix, string script)
    {
        try
        {
            var r = Run(file, prefix.Concat(new[] { "-NoProfile", "-NonInteractive", "-Command", script }), TimeSpan.FromSeconds(60), null);
            return r.ExitCode == 0 ? r.Output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception) { return null; }
    }

    public (int ExitCode, string Output) Run(string script, TimeSpan timeout, string? workingDirectory) =>
        Run(FileName, PrefixArguments.Concat(new[] { "-NoProfile", "-NonInteractive", "-Command", script }), timeout, workingDirectory);

    private static (int ExitCode, string Output) Run(string file, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["POWERSHELL_UPDATECHECK"] = "Off";
        psi.Environment["NO_COLOR"] = "1";
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var output = new System.Text.StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit((int)timeout.TotalMilliseconds))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            lock (output) return (-1, output + $"\n(killed after {timeout.TotalSeconds} s)");
        }
        p.WaitForExit();
        lock (output) return (p.ExitCode, output.ToString());
    }
}
