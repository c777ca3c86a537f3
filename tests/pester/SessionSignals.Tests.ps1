#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Closing the session: SIGHUP (the terminal closed) or SIGTERM to the pwsh process running a run stops every
# running command tree, and pwsh still ends. Real signals to a real pwsh, real processes.
BeforeAll {
    . $PSScriptRoot/TestSupport.ps1
    $script:Manifest = (Resolve-Path "$PSScriptRoot/../../ParallelJobs.psd1").Path

}

Describe 'A signal that ends the session' {
    BeforeEach {
        $script:pidFile = Join-Path $TestDrive "pids-$([guid]::NewGuid())"
        $script:child = $null
    }

    AfterEach {
        # Whatever the outcome, leave nothing running behind the test.
        if ($child -and -not $child.HasExited) { $child.Kill($true); $child.WaitForExit() }
        if (Test-Path $pidFile) { Get-Content $pidFile | ForEach-Object { Stop-Process -Id ([int]$_) -Force -ErrorAction SilentlyContinue } }
    }

    It 'SIG<Signal> to pwsh running Start-ParallelCommand <Mode> kills every running command' -TestCases @(
        @{ Signal = 'HUP'; Mode = 'in the pipeline' }
        @{ Signal = 'TERM'; Mode = 'in the pipeline' }
        @{ Signal = 'HUP'; Mode = '-AsJob' }
        @{ Signal = 'TERM'; Mode = '-AsJob' }
    ) {
        if (Skip-OnWindows 'SIGHUP and SIGTERM are POSIX signals (closing a Windows console is a console event)') { return }
        $script = Join-Path $TestDrive 'run.ps1'
        Set-Content -Path $script -Value @'
param([string] $Manifest, [string] $PidFile, [switch] $AsJob)
Import-Module $Manifest -ErrorAction Stop
# Each command records its shell's pid, then becomes sleep with that pid (exec), so the pid is the running command.
$commands = 1..3 | ForEach-Object { "echo `$`$ >> '$PidFile'; exec sleep 1000" }
if ($AsJob) { $job = Start-ParallelCommand $commands -ThrottleLimit 3 -AsJob; $null = Wait-Job $job }
else { $null = Start-ParallelCommand $commands -ThrottleLimit 3 }
'@
        $arguments = @('-File', $script, '-Manifest', $Manifest, '-PidFile', $pidFile)
        if ($Mode -eq '-AsJob') { $arguments += '-AsJob' }
        $script:child = Start-ChildPwsh $arguments

        # Every command runs once all three pids are in the file (no event reaches across processes; poll the file).
        Wait-Until { $child.HasExited -or ((Test-Path $pidFile) -and @(Get-Content $pidFile).Count -ge 3) } -Seconds 60
        if ($child.HasExited) { throw "pwsh ended before its commands ran (exit $($child.ExitCode)): $($ChildOut.Result) $($ChildErr.Result)" }
        $pids = @(Get-Content $pidFile | ForEach-Object { [int]$_ })
        foreach ($p in $pids) { Test-ProcessAlive $p | Should -BeTrue -Because "command $p runs before the signal" }

        & kill -s $Signal $child.Id
        $child.WaitForExit(30000) | Should -BeTrue -Because 'the signal must still end pwsh'
        foreach ($p in $pids) { Test-ProcessAlive $p | Should -BeFalse -Because "command $p must not outlive the session (SIG$Signal)" }
    }
}
