#Requires -Version 7.0
<#
.SYNOPSIS
    Builds ParallelJobs into a self-contained module folder, and optionally runs the tests.
.DESCRIPTION
    Publishes (dotnet publish) the cmdlet, engine and quality assemblies in the chosen configuration and lays out
    out/ParallelJobs/<version>/ with the manifest, the DLLs, the format file and the help, so that
    the folder imports on its own from any directory (copy it into a $env:PSModulePath folder to
    install). Then imports it in a fresh pwsh to prove it. -Test runs the whole suite (dotnet test).
.EXAMPLE
    ./build.ps1
.EXAMPLE
    ./build.ps1 -Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')] [string] $Configuration = 'Release',
    [switch] $Test,
    [switch] $SkipImportCheck
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$manifestPath = Join-Path $root 'ParallelJobs.psd1'
# Not Import-PowerShellDataFile: the manifest chooses its RootModule with `if ($PSEdition ...)`, which only a
# module manifest may do.
$version = (Test-ModuleManifest $manifestPath -ErrorAction Stop).Version.ToString(3)

Write-Host "Publishing ParallelJobs $version ($Configuration)"
$out = Join-Path $root "out/ParallelJobs/$version"
if (Test-Path $out) { Remove-Item $out -Recurse -Force }
$bin = Join-Path $out 'bin'
New-Item -ItemType Directory -Path $bin, (Join-Path $out 'en-US') -Force | Out-Null

# One folder per build, each what `dotnet publish` says the cmdlet assembly needs: net8.0 for PowerShell 7.4+,
# netstandard2.0 (with System.Numerics.Vectors, which .NET Framework lacks) for Windows PowerShell 5.1.
foreach ($framework in 'net8.0', 'netstandard2.0') {
    dotnet publish (Join-Path $root 'src/ParallelJobs/ParallelJobs.csproj') -c $Configuration -f $framework --nologo `
        --output (Join-Path $bin $framework) -p:GenerateDependencyFile=false
    if ($LASTEXITCODE) { throw "dotnet publish -f $framework failed ($LASTEXITCODE)" }
}
# The manifest is the same file as at the root: it loads bin/<framework>/ParallelJobs.dll relative to itself.
Copy-Item $manifestPath $out
Copy-Item (Join-Path $root 'Module/*.ps1xml') $bin
Copy-Item (Join-Path $root 'Module/en-US/*') (Join-Path $out 'en-US') -Recurse
Write-Host "Module laid out in $out"

if (-not $SkipImportCheck) {
    # Import from another directory, in a fresh process, so nothing of this session or the repo helps.
    $pwsh = (Get-Process -Id $PID).Path
    $pwshArgs = @()
    if ([System.IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { $pwshArgs = @([Environment]::GetCommandLineArgs()[0]) }
    $check = "Set-Location ([System.IO.Path]::GetTempPath()); Import-Module '$($out.Replace("'", "''"))/ParallelJobs.psd1' -ErrorAction Stop; " +
             "(Get-Command -Module ParallelJobs).Name -join ','; if (-not (Get-Help Start-ParallelCommand).Synopsis) { throw 'help not found' }; " +
             "(Start-ParallelCommand 'echo imported').Output; [ParallelJobs.CommandResult].Assembly.Location"
    $result = & $pwsh @pwshArgs -NoProfile -NonInteractive -Command $check
    if ($LASTEXITCODE) { throw "The built module does not import on its own: $result" }
    Write-Host "Import check: $($result -join ' | ')"
}

if ($Test) {
    dotnet test (Join-Path $root 'ParallelJobs.sln')
    if ($LASTEXITCODE) { throw "tests failed ($LASTEXITCODE)" }
}
