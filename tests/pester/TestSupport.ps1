# Helpers shared by the Pester files (dot-sourced in their BeforeAll). Not a test file itself.

# Alive means running: a zombie has ended and only waits to be reaped by its parent (or init).
function Test-ProcessAlive([int] $ProcessId) {
    $stat = "/proc/$ProcessId/stat"
    if ($IsWindows -or -not (Test-Path $stat)) {
        return $null -ne (Get-Process -Id $ProcessId -ErrorAction SilentlyContinue | Where-Object { -not $_.HasExited })
    }
    $text = Get-Content -Raw $stat -ErrorAction SilentlyContinue
    if (-not $text) { return $false }
    $state = $text.Substring($text.LastIndexOf(')') + 2, 1)
    return $state -ne 'Z' -and $state -ne 'X'
}

# Polls a condition; only for states no event or job cmdlet can wait for (a process having started).
function Wait-Until([scriptblock] $Condition, [int] $Seconds = 30) {
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "condition not met in $Seconds s: $Condition" }
        Start-Sleep -Milliseconds 20
    }
}

# A job of another type: ThreadJob where it exists (PowerShell 7), else a background job.
function New-OtherJob {
    if (Get-Command Start-ThreadJob -ErrorAction SilentlyContinue) { Start-ThreadJob { 1 } } else { Start-Job { 1 } }
}

# The seeded quality-data generator (tests/ParallelJobs.TestSupport, built by `dotnet build`/`dotnet test`;
# not part of the shipped module). Returns the type [ParallelJobs.TestSupport.QualDataSetGenerator].
function Import-TestSupport {
    $dll = Get-ChildItem (Join-Path $PSScriptRoot '../ParallelJobs.TestSupport/bin/*/netstandard2.0/ParallelJobs.TestSupport.dll') -ErrorAction SilentlyContinue |
        Sort-Object LastWriteTimeUtc -Descending | Select-Object -First 1
    if (-not $dll) { throw 'tests/ParallelJobs.TestSupport is not built: run dotnet build at the repository root' }
    Add-Type -Path $dll.FullName
}

# This PowerShell again, as a child process: pwsh itself, or `dotnet pwsh.dll` as the test suite runs it.
function Start-ChildPwsh([string[]] $Arguments) {
    $exe = (Get-Process -Id $PID).Path
    $psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
    if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $psi.ArgumentList.Add([Environment]::GetCommandLineArgs()[0]) }
    foreach ($a in '-NoProfile', '-NonInteractive') { $psi.ArgumentList.Add($a) }
    foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $p = [System.Diagnostics.Process]::Start($psi)
    $p.StandardInput.Close()
    # Read both streams from the start so a chatty child never blocks on a full pipe.
    $script:ChildOut = $p.StandardOutput.ReadToEndAsync()
    $script:ChildErr = $p.StandardError.ReadToEndAsync()
    $p
}
