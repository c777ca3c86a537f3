#Requires -Version 7.0
# Start-ParallelCommand in a real terminal: a pseudo-terminal made by script(1), a child pwsh in it, and
# a Ctrl+C typed into that terminal.

BeforeAll {
    $script:ModulePath = (Resolve-Path (Join-Path $PSScriptRoot '../../ParallelJobs.psd1')).Path
    . $PSScriptRoot/TestSupport.ps1

    # The command line that starts this same PowerShell again (an installed pwsh, or `dotnet pwsh.dll`).
    function Get-PwshCommandLine {
        $exe = [Environment]::ProcessPath
        if ((Split-Path -Leaf $exe) -like 'dotnet*') { return "'$exe' '$([Environment]::GetCommandLineArgs()[0])'" }
        return "'$exe'"
    }
}

Describe 'Ctrl+C in a terminal' {
    It 'stops the run: every running command is Cancelled, never Failed with the 130 of a SIGINT it got first' {
        if (Skip-OnWindows 'the test types Ctrl+C into a POSIX pseudo-terminal made by script(1); a Windows console sends CTRL_C_EVENT instead, and under Wine GenerateConsoleCtrlEvent does not deliver it') { return }
        if (-not (Get-Command script -ErrorAction SilentlyContinue)) {
            if ($env:CI -eq 'true') { throw 'script(1) from util-linux is needed for this test' }
            Set-ItResult -Skipped -Because 'script(1) from util-linux is not installed'
            return
        }
        $out = Join-Path $TestDrive 'out'
        $child = Join-Path $TestDrive 'child.ps1'
        # Each command says on the terminal that it runs, then sleeps: the test types Ctrl+C once all four have spoken.
        Set-Content -Path $child -Value @"
`$ProgressPreference = 'SilentlyContinue'
Import-Module '$script:ModulePath'
Start-ParallelCommand -ThrottleLimit 4 -OutputDirectory '$out' -GracePeriodSeconds 1 -Command (1..4 | ForEach-Object { 'echo started > /dev/tty; exec sleep 600' })
"@
        $psi = [System.Diagnostics.ProcessStartInfo]::new('script')
        foreach ($a in '-qfec', "$(Get-PwshCommandLine) -NoProfile -NonInteractive -File '$child'", '/dev/null') { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.UseShellExecute = $false
        $terminal = [System.Diagnostics.Process]::Start($psi)
        try {
            # What the terminal shows: read as it comes, until the four commands have said they run.
            $seen = [System.Text.StringBuilder]::new()
            $buffer = [char[]]::new(4096)
            $deadline = [DateTime]::UtcNow.AddSeconds(90)
            while (([regex]::Matches($seen.ToString(), 'started')).Count -lt 4) {
                $read = $terminal.StandardOutput.ReadAsync($buffer, 0, $buffer.Length)
                if (-not $read.Wait([Math]::Max(0, ($deadline - [DateTime]::UtcNow).TotalMilliseconds)) -or $read.Result -eq 0) {
                    throw "the commands did not start; the terminal showed: $seen"
                }
                [void]$seen.Append($buffer, 0, $read.Result)
            }
            $terminal.StandardInput.Write([char]3) # Ctrl+C, turned into SIGINT by the terminal
            $terminal.StandardInput.Flush()
            $terminal.WaitForExit(60000) | Should -BeTrue -Because 'Ctrl+C stops the run'
        }
        finally {
            if (-not $terminal.HasExited) { $terminal.Kill($true) }
        }
        $index = Import-Csv -Path (Join-Path $out 'commands.tsv') -Delimiter "`t"
        $index | Should -HaveCount 4
        $index.Status | Sort-Object -Unique | Should -Be 'Cancelled'
        # Each command runs in its own process group, so the terminal's SIGINT (exit 130) never reached it:
        # the module stopped it, with SIGTERM (143). When the SIGINT did reach the commands, whether they
        # came out Cancelled or Failed depended on which thread won a race.
        $index.ExitCode | Sort-Object -Unique | Should -Be '143'
    }
}
