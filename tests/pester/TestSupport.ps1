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

# Platform. Each test runs commands that exist where it runs: POSIX sh on Linux and macOS; on Windows the module's
# default shell, cmd.exe (%ComSpec% /d /v:off /s /c), or full paths. Under Wine (the Windows lane,
# tests/infra/windows-lane.sh) a few Windows behaviours cannot be shown; those tests say so.
$script:OnWine = $IsWindows -and (Test-Path 'HKLM:\Software\Wine')

# The command for this platform: the POSIX sh form, or the cmd.exe form on Windows.
function Cmd([string] $Posix, [string] $Windows) { if ($IsWindows) { $Windows } else { $Posix } }

# A cmd.exe pause of about $Seconds whole seconds (Windows has no sleep; ping waits a second between echoes).
function WinSleep([int] $Seconds) { "ping -n $($Seconds + 1) 127.0.0.1 >nul" }

# Skips the current test on Windows, with the reason (a test that cannot mean anything there). Use as
# `if (Skip-OnWindows 'why') { return }`.
function Skip-OnWindows([string] $Because) {
    if (-not $IsWindows) { return $false }
    Set-ItResult -Skipped -Because "not on Windows: $Because"
    return $true
}

# Skips the current test under Wine only: a Windows behaviour that Wine does not implement.
function Skip-UnderWine([string] $Because) {
    if (-not $script:OnWine) { return $false }
    Set-ItResult -Skipped -Because "Wine cannot show this: $Because"
    return $true
}

# Windows: processes of this session's tree that run the program $Name (e.g. 'PING'), as ids.
function Get-ProgramIds([string] $Name) { @(Get-Process -Name $Name -ErrorAction SilentlyContinue | Where-Object { -not $_.HasExited } | ForEach-Object Id) }

# Windows: a program that prints each of its arguments as the C runtime rules read them, each followed by '|',
# on one line: this PowerShell run with -File on a script in $TestDrive. Returns the path of that program and
# the arguments before the printed ones.
function Get-ArgumentPrinter {
    $script = Join-Path $TestDrive 'print-arguments.ps1'
    Set-Content -LiteralPath $script -Value '[Console]::Out.Write((($args | ForEach-Object { "$_|" }) -join "") + [Environment]::NewLine)'
    $exe = Join-Path $PSHOME 'pwsh.exe'
    [pscustomobject]@{ Program = $exe; Arguments = @('-NoProfile', '-NonInteractive', '-File', $script) }
}

# Windows: a batch file that waits until every file named in its arguments exists (cmd.exe has no loop on one
# line that can end early). Returns its path, for `call "path" "file"...` in a command.
function Get-WaitBatch {
    $bat = Join-Path $TestDrive 'wait-for-files.bat'
    if (-not (Test-Path -LiteralPath $bat)) {
        # Polls once a second (ping); no goto inside a block, which Wine's cmd.exe cannot follow.
        $lines = '@echo off', ':loop', 'set pj_missing=', 'for %%f in (%*) do if not exist %%f set pj_missing=1',
            'if not defined pj_missing exit /b 0', 'ping -n 2 127.0.0.1 >nul', 'goto loop'
        Set-Content -LiteralPath $bat -Value (($lines -join "`r`n") + "`r`n") -NoNewline
    }
    $bat
}

# Windows: the ids in $Ids that are still running after waiting up to $Seconds for each to exit. Ending a job
# object's processes is asynchronous (TerminateJobObject returns before they have exited); a process that was not
# killed runs on and is returned.
function Get-StillRunning([int[]] $Ids, [int] $Seconds = 15) {
    foreach ($id in $Ids) {
        $p = Get-Process -Id $id -ErrorAction SilentlyContinue
        if ($p -and -not $p.WaitForExit($Seconds * 1000)) { $id }
    }
}
