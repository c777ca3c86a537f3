# Runs the Pester files (tests/pester/*.Tests.ps1, or the paths given) in this one PowerShell process with
# Pester 5 from $PSHOME/Modules, against the module as `dotnet build` laid it out, and exits non-zero when anything
# failed. Used by tests/infra/windows-lane.sh inside the PowerShell 7.6 host under Wine; runs in any pwsh 7.
param([string[]] $Path = (Join-Path $PSScriptRoot '../pester'), [string] $ResultFile, [string] $Pester = 'Pester')
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $Pester -RequiredVersion 5.7.1
$c = New-PesterConfiguration
$c.Run.Path = $Path
$c.Run.PassThru = $true
$c.Output.Verbosity = 'Detailed'
$c.Output.RenderMode = 'Plaintext'
$r = Invoke-Pester -Configuration $c
$failed = $r.FailedCount + $r.FailedBlocksCount + $r.FailedContainersCount
$line = "pester: $($r.TotalCount) tests, $($r.PassedCount) passed, $($r.FailedCount) failed, $($r.SkippedCount) skipped, $($r.NotRunCount) not run, $($r.FailedBlocksCount) failed blocks, $($r.FailedContainersCount) failed files in $([int] $r.Duration.TotalSeconds) s ($($PSVersionTable.PSVersion) on $([System.Runtime.InteropServices.RuntimeInformation]::OSDescription))"
Write-Host $line
if ($ResultFile) {
    $skipped = foreach ($t in $r.Skipped) { "skipped: $($t.ExpandedPath)" }
    $failures = foreach ($t in $r.Failed) { "failed: $($t.ExpandedPath)" }
    Set-Content -LiteralPath $ResultFile -Value (@($line) + $failures + $skipped)
}
if ($r.TotalCount -eq 0) { Write-Host 'no tests found'; exit 3 }
exit ([Math]::Min($failed, 100))
