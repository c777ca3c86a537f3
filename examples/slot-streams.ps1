#Requires -Version 5.1
<#
.SYNOPSIS
    200 commands in 5 parallel streams, each stream writing to its own file.
.DESCRIPTION
    Each command sleeps a random 1-9 units, then prints "Command number - i. Slept for n." (as in the
    nanopore tutorial). A unit is -UnitSeconds (0.05 s by default, so the run takes about ten seconds).
    The commands run in -ThrottleLimit slots; slot k's output goes to slot-k.out, in the order its
    commands ran. Prints the serial time (sum of durations), the wall time, the speed-up against the
    ideal, and the first lines of each slot file.
.EXAMPLE
    ./examples/slot-streams.ps1
.EXAMPLE
    ./examples/slot-streams.ps1 -Count 50 -UnitSeconds 0.02 -OutputDirectory ./streams
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 100000)] [int] $Count = 200,
    [ValidateRange(1, 1024)] [int] $ThrottleLimit = 5,
    [ValidateRange(0.001, 10.0)] [double] $UnitSeconds = 0.05,
    [int] $Seed = 1,
    [string] $OutputDirectory = (Join-Path ([System.IO.Path]::GetTempPath()) "paralleljobs-streams-$PID"),
    [int] $Lines = 3
)

$ErrorActionPreference = 'Stop'
$manifest = Join-Path $PSScriptRoot '../ParallelJobs.psd1'
# The assembly the manifest loads in this edition (bin/net8.0 in PowerShell 7, bin/netstandard2.0 in 5.1).
$built = if ($PSEdition -eq 'Core') { '../bin/net8.0/ParallelJobs.dll' } else { '../bin/netstandard2.0/ParallelJobs.dll' }
if (-not (Test-Path (Join-Path $PSScriptRoot $built))) {
    throw "The module is not built: run 'dotnet build' in $(Resolve-Path (Join-Path $PSScriptRoot '..')) first."
}
Import-Module $manifest -Force

$rng = [System.Random]::new($Seed)
$commands = foreach ($i in 0..($Count - 1)) {
    $n = $rng.Next(1, 10)   # 1..9, as random.randrange(1, 10)
    $seconds = ($n * $UnitSeconds).ToString([System.Globalization.CultureInfo]::InvariantCulture)
    if ($IsWindows) { "powershell -NoProfile -Command Start-Sleep -Milliseconds $([int]($n * $UnitSeconds * 1000)) && echo Command number - $i. Slept for $n." }
    else { "sleep $seconds && echo Command number - $i. Slept for $n." }
}

$clock = [System.Diagnostics.Stopwatch]::StartNew()
$results = $commands | Start-ParallelCommand -ThrottleLimit $ThrottleLimit -OutputDirectory $OutputDirectory
$clock.Stop()

$serial = ($results | Measure-Object -Property { $_.Duration.TotalSeconds } -Sum).Sum
$wall = $clock.Elapsed.TotalSeconds
$failed = @($results | Where-Object { -not $_.Succeeded })

'{0} commands in {1} slots; {2} failed' -f $results.Count, $ThrottleLimit, $failed.Count
'serial time (sum of durations): {0,8:N2} s' -f $serial
'wall time:                      {0,8:N2} s' -f $wall
'speed-up:                       {0,8:N2} x (ideal {1})  efficiency {2:P0}' -f ($serial / $wall), $ThrottleLimit, (($serial / $wall) / $ThrottleLimit)
''
foreach ($file in Get-ChildItem -LiteralPath $OutputDirectory -Filter 'slot-*.out' | Sort-Object { [int]($_.BaseName -replace '\D', '') }) {
    "### $($file.Name) ###"
    Get-Content -LiteralPath $file.FullName -TotalCount $Lines
}
''
"Per-slot files are in $OutputDirectory"
