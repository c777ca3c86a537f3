#Requires -Version 5.1
<#
.SYNOPSIS
    The second seed scenario (IPython parallel lesson): quality-score distributions of twelve directories
    t1_1..t6_2 of phred .qual files, serial against parallel.

.DESCRIPTION
    Generates a deterministic data set (ParallelJobs' own generator, same seed -> same bytes), then runs
    Get-QualityDistribution once with -ThrottleLimit 1 and once in parallel, prints both times and the
    speed-up, where each result was computed (ProcessId, Slot), and the mean quality per position of every
    directory as a table (Show-QualityPlot draws it).

.EXAMPLE
    ./examples/quality-distribution.ps1
.EXAMPLE
    ./examples/quality-distribution.ps1 -ThrottleLimit 8 -FilesPerDirectory 20 -Keep
#>
[CmdletBinding()]
param(
    # Workers of the parallel run (the lesson used a 4-engine cluster).
    [ValidateRange(1, 1024)] [int] $ThrottleLimit = [Math]::Max(2, [Environment]::ProcessorCount),
    [int] $Seed = 42,
    # Size: 12 directories x FilesPerDirectory files x ReadsPerFile reads of 300..800 scores. The defaults
    # make about 200 MB of .qual text, a few seconds serially.
    [ValidateRange(1, 10000)] [int] $FilesPerDirectory = 10,
    [ValidateRange(1, 1000000)] [int] $ReadsPerFile = 1000,
    # Positions per row of the mean-quality table.
    [ValidateRange(1, 1000)] [int] $Window = 50,
    # Where to write the data; a new temporary directory by default (removed at the end unless -Keep).
    [string] $DataPath,
    [switch] $Keep
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../ParallelJobs.psd1')
# The seeded data generator is test support, not part of the module: `dotnet build` at the root builds it.
$generator = Get-ChildItem (Join-Path $PSScriptRoot '../tests/ParallelJobs.TestSupport/bin/*/netstandard2.0/ParallelJobs.TestSupport.dll') -ErrorAction SilentlyContinue |
    Sort-Object LastWriteTimeUtc -Descending | Select-Object -First 1
if (-not $generator) { throw 'tests/ParallelJobs.TestSupport is not built: run dotnet build at the repository root first' }
Add-Type -Path $generator.FullName

$created = -not $DataPath
if ($created) { $DataPath = Join-Path ([IO.Path]::GetTempPath()) ("quality-seed-" + [Guid]::NewGuid().ToString('N').Substring(0, 8)) }
try {
    Write-Host "Generating t1_1..t6_2 under $DataPath (seed $Seed) ..."
    $generation = Measure-Command {
        $null = [ParallelJobs.TestSupport.QualDataSetGenerator]::Write($DataPath, $Seed, $FilesPerDirectory, $ReadsPerFile, 300, 800)
    }
    $dirs = Get-ChildItem $DataPath -Directory | Where-Object Name -Like 't*_*' | Sort-Object Name
    $bytes = ($dirs | Get-ChildItem -File -Filter *.qual | Measure-Object Length -Sum).Sum
    Write-Host ('{0} directories, {1:N0} files, {2:N1} MB, generated in {3:N1} s' -f $dirs.Count, ($FilesPerDirectory * $dirs.Count), ($bytes / 1MB), $generation.TotalSeconds)

    # Serial first, then parallel; the same data may be in the page cache for both, so warm it once.
    $null = $dirs | Get-QualityDistribution -ThrottleLimit $ThrottleLimit
    $serialTime = Measure-Command { $serial = @($dirs | Get-QualityDistribution -ThrottleLimit 1) }
    $parallelTime = Measure-Command { $parallel = @($dirs | Get-QualityDistribution -ThrottleLimit $ThrottleLimit) }

    ''
    'serial   (-ThrottleLimit 1): {0,8:N3} s  {1,7:N0} MB/s' -f $serialTime.TotalSeconds, ($bytes / 1MB / $serialTime.TotalSeconds)
    'parallel (-ThrottleLimit {0}): {1,8:N3} s  {2,7:N0} MB/s' -f $ThrottleLimit, $parallelTime.TotalSeconds, ($bytes / 1MB / $parallelTime.TotalSeconds)
    'speed-up: {0:N2}x on {1} logical processors' -f ($serialTime.TotalSeconds / $parallelTime.TotalSeconds), [Environment]::ProcessorCount

    # The same numbers whatever the number of workers.
    foreach ($p in $parallel) {
        $s = $serial | Where-Object Name -EQ $p.Name
        if ($s.MeanQuality -ne $p.MeanQuality -or $s.BaseCount -ne $p.BaseCount) { throw "serial and parallel results differ for $($p.Name)" }
    }

    # The lesson checks the engine PID of each result; here: process and worker slot(s).
    ''
    'Where each result was computed (parallel run):'
    $parallel | Sort-Object Name | Format-Table Name, ReadCount, @{ n = 'MeanQuality'; e = { '{0:N2}' -f $_.MeanQuality } },
        ProcessId, Slot, @{ n = 'Slots'; e = { $_.Slots -join ',' } }, @{ n = 'Duration'; e = { '{0:N3} s' -f $_.Duration.TotalSeconds } } -AutoSize | Out-String -Width 200

    # Mean quality per position of each directory, averaged over windows of positions (count-weighted, exact).
    "Mean quality per position (windows of $Window positions):"
    $maxLength = ($parallel | Measure-Object MaxLength -Maximum).Maximum
    $rows = for ($start = 1; $start -le $maxLength; $start += $Window) {
        $end = [Math]::Min($start + $Window - 1, $maxLength)
        $row = [ordered]@{ Positions = "$start-$end" }
        foreach ($d in $parallel | Sort-Object Name) {
            $sum = 0.0; $count = 0
            foreach ($pq in $d.Positions) {
                if ($pq.Position -ge $start -and $pq.EndPosition -le $end) { $sum += $pq.Mean * $pq.Count; $count += $pq.Count }
            }
            $row[$d.Name] = if ($count) { '{0:N1}' -f ($sum / $count) } else { '' }
        }
        [pscustomobject]$row
    }
    # Explicit columns: Format-Table shows at most 10 properties of an object unless told which.
    $rows | Format-Table -Property (@('Positions') + @($parallel.Name | Sort-Object)) -AutoSize | Out-String -Width 250
}
finally {
    if ($created -and -not $Keep) { Remove-Item -LiteralPath $DataPath -Recurse -Force -ErrorAction SilentlyContinue }
    elseif ($Keep) { Write-Host "Data kept in $DataPath" }
}
