#Requires -Version 7.0
# Start-ParallelCommand -HostName against the real loopback sshd hosts of tests/infra/ssh-hosts.sh (one sshd
# per address, 127.0.0.1 .2 .3), found through PJ_SSH_CONFIG (or the script's default state directory).
# Without them the tests are skipped with the reason; under CI=true (.ci/run starts them) they fail instead.
# All hosts are this machine: $SSH_CONNECTION (the server address) tells them apart.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../ParallelJobs.psd1') -Force
    . $PSScriptRoot/TestSupport.ps1

    $script:HostScript = Join-Path $PSScriptRoot '../infra/ssh-hosts.sh'
    if (-not $env:PJ_SSH_CONFIG) { $env:PJ_SSH_CONFIG = '/tmp/parallel-jobs-ssh/ssh_config' }
    $script:Port = if ($env:PJ_SSH_PORT) { [int]$env:PJ_SSH_PORT } else { 22022 }
    $script:SshProblem = $null
    if ($IsWindows) { $script:SshProblem = 'the loopback sshd test hosts run on Linux only' }
    elseif (-not (Test-Path $env:PJ_SSH_CONFIG)) { $script:SshProblem = "$env:PJ_SSH_CONFIG does not exist" }
    else {
        $answer = (& ssh -F $env:PJ_SSH_CONFIG 127.0.0.1 true 2>&1 | Out-String).Trim()
        if ($LASTEXITCODE -ne 0) { $script:SshProblem = "ssh to 127.0.0.1 failed: $answer" }
    }

    function Skip-WithoutHosts {
        if (-not $script:SshProblem) { return $false }
        $why = "no SSH test hosts: $script:SshProblem; start them with tests/infra/ssh-hosts.sh start"
        if ($env:CI -eq 'true' -and -not $IsWindows) { throw "$why (CI=true: .ci/run starts them)" }
        Set-ItResult -Skipped -Because $why
        return $true
    }

    function New-Marker { 'pjmark' + [guid]::NewGuid().ToString('N').Substring(0, 16) }

    # Processes on "the hosts" (this machine) whose command line holds the marker.
    function Get-Marked([string] $Marker) { @(& pgrep -f $Marker) | Where-Object { $_ } }
}

Describe 'Start-ParallelCommand -HostName' {
    It 'spreads the commands over three hosts; each result names the host it ran on' {
        if (Skip-WithoutHosts) { return }
        $results = 1..12 | Start-ParallelCommand 'echo "$SSH_CONNECTION" {}' -HostName '2/127.0.0.1', '2/127.0.0.2', '2/127.0.0.3' -SshConfigFile $env:PJ_SSH_CONFIG -KeepOrder

        $results.Index | Should -Be (0..11)
        $results | ForEach-Object {
            $_.Status | Should -Be 'Succeeded'
            $words = $_.Output[0] -split ' '
            $words[2] | Should -Be $_.ComputerName
            $words[4] | Should -Be ($_.Index + 1)
            $_.ProcessId | Should -BeGreaterThan 0
        }
        @($results.ComputerName | Sort-Object -Unique) | Should -Be @('127.0.0.1', '127.0.0.2', '127.0.0.3')
    }

    It 'numbers slots within each host: -ComputerName with -Slot picks one host''s slot, in the job, its output and its files' {
        if (Skip-WithoutHosts) { return }
        $out = Join-Path $TestDrive 'host-slots'
        $hosts = '127.0.0.1', '127.0.0.2', '127.0.0.3'
        $job = 1..12 | Start-ParallelCommand 'set -- $SSH_CONNECTION; echo "$3 {%} $PARALLELJOBS_SLOT {}"; sleep 0.1' -HostName '2/127.0.0.1', '2/127.0.0.2', '2/127.0.0.3' -SshConfigFile $env:PJ_SSH_CONFIG -OutputDirectory $out -AsJob
        try {
            $job | Wait-Job -Timeout 120 | Out-Null
            $results = @(Receive-Job $job)
            $results.Count | Should -Be 12
            foreach ($r in $results) {
                $r.Slot | Should -BeIn 0, 1
                # The command saw its host's slot: {%} is 1-based, PARALLELJOBS_SLOT 0-based, as the result's Slot.
                $r.Output[0] | Should -Be "$($r.ComputerName) $($r.Slot + 1) $($r.Slot) $($r.Index + 1)"
                ($job.ChildJobs | Where-Object Index -eq $r.Index).Location | Should -Be $r.ComputerName
            }

            # Get-ParallelSlot: each host's slots 0 and 1; one host's slot by name; -Slot alone on every host.
            @(Get-ParallelSlot -Job $job | ForEach-Object { "$($_.ComputerName)/$($_.Slot)" }) |
                Should -Be @('127.0.0.1/0', '127.0.0.1/1', '127.0.0.2/0', '127.0.0.2/1', '127.0.0.3/0', '127.0.0.3/1')
            $one = Get-ParallelSlot -Job $job -ComputerName 127.0.0.2 -Slot 1
            $one.ComputerName | Should -Be '127.0.0.2'
            $one.Slot | Should -Be 1
            $one.Completed | Should -Be @($results | Where-Object { $_.ComputerName -eq '127.0.0.2' -and $_.Slot -eq 1 }).Count
            (Get-ParallelSlot -Job $job -Slot 1).ComputerName | Should -Be $hosts
            # The table shows each slot's host (a run on this machine keeps its plain table).
            $table = Get-ParallelSlot -Job $job | Format-Table | Out-String -Width 200
            $table | Should -Match 'ComputerName'
            foreach ($h in $hosts) { $table | Should -Match ([regex]::Escape($h) + '\s+0\s') }
            (Get-ParallelSlot -Job $job -ComputerName '127.0.0.[23]').ComputerName | Sort-Object -Unique | Should -Be '127.0.0.2', '127.0.0.3'
            Get-ParallelSlot -Job $job -ComputerName 127.0.0.2 -Slot 2 -ErrorAction SilentlyContinue -ErrorVariable outside | Should -BeNullOrEmpty
            $outside[0].FullyQualifiedErrorId | Should -BeLike 'SlotOutOfRange,*'
            $outside[0].Exception.Message | Should -BeLike '*127.0.0.2*slots 0 to 1*'
            Get-ParallelSlot -Job $job -ComputerName 'no-such-host' -ErrorAction SilentlyContinue -ErrorVariable unknown | Should -BeNullOrEmpty
            $unknown[0].FullyQualifiedErrorId | Should -BeLike 'ComputerNameNotFound,*'

            # Receive-SlotOutput from the job: each line names its host and its slot there.
            $live = @(Receive-SlotOutput -Job $job -ComputerName 127.0.0.3 -Keep)
            $onThree = @($results | Where-Object ComputerName -eq '127.0.0.3')
            $live.Count | Should -Be $onThree.Count
            $live.ComputerName | Sort-Object -Unique | Should -Be '127.0.0.3'
            @($live | Sort-Object Index | ForEach-Object Line) | Should -Be @($onThree | Sort-Object Index | ForEach-Object { $_.Output[0] })
            @(Receive-SlotOutput -Job $job -Slot 0 -Keep).ComputerName | Sort-Object -Unique | Should -Be $hosts

            # The output directory: files per host and slot, read back with the host on each line.
            @(Get-ChildItem $out -Filter 'slot-*.out' | ForEach-Object Name | Sort-Object) |
                Should -Be @('slot-127.0.0.1-0.out', 'slot-127.0.0.1-1.out', 'slot-127.0.0.2-0.out', 'slot-127.0.0.2-1.out', 'slot-127.0.0.3-0.out', 'slot-127.0.0.3-1.out')
            $back = @(Receive-SlotOutput -Path $out)
            $back.Count | Should -Be 12
            foreach ($line in $back) {
                $r = $results | Where-Object Index -eq $line.Index
                "$($line.ComputerName)/$($line.Slot) $($line.Line)" | Should -Be "$($r.ComputerName)/$($r.Slot) $($r.Output[0])"
            }
            $picked = @(Receive-SlotOutput -Path $out -ComputerName 127.0.0.2 -Slot 1)
            @($picked.Index | Sort-Object) | Should -Be @($results | Where-Object { $_.ComputerName -eq '127.0.0.2' -and $_.Slot -eq 1 } | ForEach-Object Index | Sort-Object)
            # The results themselves, too.
            @($results | Receive-SlotOutput -ComputerName 127.0.0.1 -Slot 0).Index | Sort-Object |
                Should -Be @($results | Where-Object { $_.ComputerName -eq '127.0.0.1' -and $_.Slot -eq 0 } | ForEach-Object Index | Sort-Object)
        }
        finally { $job | Remove-Job -Force }
    }

    It 'names this machine '':'' as -HostName does: Get-ParallelSlot and Receive-SlotOutput -ComputerName '':'', and the table shows each result''s host' {
        if (Skip-WithoutHosts) { return }
        $out = Join-Path $TestDrive 'colon'
        $job = 1..4 | Start-ParallelCommand 'echo line {}; sleep 0.2' -HostName '1/:', '1/127.0.0.2' -SshConfigFile $env:PJ_SSH_CONFIG -OutputDirectory $out -KeepOrder -AsJob
        try {
            $job | Wait-Job -Timeout 120 | Out-Null
            $results = @(Receive-Job $job)
            $local = @($results | Where-Object ComputerName -eq ([Environment]::MachineName))
            $local.Count | Should -BeGreaterThan 0
            (Get-ParallelSlot -Job $job -ComputerName ':').ComputerName | Should -Be ([Environment]::MachineName)
            @(Receive-SlotOutput -Job $job -ComputerName ':').Index | Sort-Object | Should -Be @($local.Index | Sort-Object)
            @(Receive-SlotOutput -Path $out -ComputerName ':').Index | Sort-Object | Should -Be @($local.Index | Sort-Object)
            # Slots are numbered per host: the results' table says which host (a run on this machine alone does not).
            $table = $results | Format-Table | Out-String -Width 200
            $table | Should -Match 'ComputerName'
            foreach ($r in $results) { $table | Should -Match ("(?m)^\s*$($r.Index)\s+" + [regex]::Escape($r.ComputerName) + '\s+0\s+Succeeded') }
            (1..2 | Start-ParallelCommand 'echo {}' -HostName ':', '127.0.0.2' -SshConfigFile $env:PJ_SSH_CONFIG | Format-Table | Out-String -Width 200) | Should -Match '127\.0\.0\.2'
            (Start-ParallelCommand 'echo {}' -InputObject 1 | Format-Table | Out-String -Width 200) | Should -Not -Match 'ComputerName'
        }
        finally { $job | Remove-Job -Force }
    }

    It 'tells an exit code above 128 from a death by signal, as a local run does' {
        if (Skip-WithoutHosts) { return }
        $lines = 'exit 137', 'kill -s KILL $$', 'kill -s TERM $$', 'exit 0'
        $remote = $lines | Start-ParallelCommand -HostName 127.0.0.2 -SshConfigFile $env:PJ_SSH_CONFIG -KeepOrder -ErrorAction SilentlyContinue
        $local = $lines | Start-ParallelCommand -KeepOrder -ErrorAction SilentlyContinue
        @($remote | ForEach-Object { "$($_.ExitCode)/$($_.Signal)" }) | Should -Be @('137/', '137/9', '143/15', '0/')
        @($remote | ForEach-Object { "$($_.ExitCode)/$($_.Signal)/$($_.Reason)" }) | Should -Be @($local | ForEach-Object { "$($_.ExitCode)/$($_.Signal)/$($_.Reason)" })
        $remote[1].Reason | Should -BeLike 'Killed by signal 9*'
        $remote[0].Reason | Should -Be 'Exited with code 137.'
    }

    It 'passes -Environment entries of any name to the remote command, and refuses the wrapper''s own' {
        if (Skip-WithoutHosts) { return }
        $r = Start-ParallelCommand 'printf "%s %s %s" "$n" "$p" "$e"' -HostName 127.0.0.2 -SshConfigFile $env:PJ_SSH_CONFIG -Environment @{ n = 'x'; p = '1'; e = 'it''s' } -WarningVariable warned -WarningAction SilentlyContinue
        $r.Status | Should -Be 'Succeeded'
        $r.StdOut | Should -Be "x 1 it's"
        $r.Attempts | Should -Be 1
        $warned | Should -BeNullOrEmpty
        $bad = Start-ParallelCommand 'true' -HostName 127.0.0.2 -SshConfigFile $env:PJ_SSH_CONFIG -Environment @{ __pj_n = 'x' } -ErrorAction SilentlyContinue
        $bad.Status | Should -Be 'FailedToStart'
        $bad.Reason | Should -BeLike "*'__pj_n'*"
    }

    It 'passes hostile inputs to the remote shell byte for byte' {
        if (Skip-WithoutHosts) { return }
        $inputs = @("it's", '"double"', '$(touch /tmp/pj-pwned)', '`id`', "a`nb", ' spaced ', '*', '~', '\', "tab`there", 'ünïcödé ✓ 日本', '-n', ';', '|')
        $results = $inputs | Start-ParallelCommand "printf '%s' {} | od -An -tx1 | tr -d ' \n'" -HostName '127.0.0.2' -SshConfigFile $env:PJ_SSH_CONFIG -KeepOrder
        for ($i = 0; $i -lt $inputs.Count; $i++) {
            $hex = -join ([Text.Encoding]::UTF8.GetBytes($inputs[$i]) | ForEach-Object { $_.ToString('x2') })
            $results[$i].Output | Should -Be $hex
        }
        Test-Path /tmp/pj-pwned | Should -BeFalse
    }

    It 'runs the commands of a host killed mid-run on the others, and warns' {
        if (Skip-WithoutHosts) { return }
        $extraPort = $script:Port + 5
        & bash $script:HostScript start-host 127.0.0.3 $extraPort | Out-Null
        $LASTEXITCODE | Should -Be 0
        try {
            $marker = New-Marker
            $job = 1..6 | Start-ParallelCommand "echo `"`$SSH_CONNECTION`"; sh -c 'sleep 2; true' $marker-{}" -HostName '1/127.0.0.1', '1/127.0.0.2', "1/127.0.0.3:$extraPort" -SshConfigFile $env:PJ_SSH_CONFIG -AsJob
            # The extra host's slot has a command running: its host goes away.
            Wait-Until { @(Get-ParallelSlot -Job $job -ComputerName "127.0.0.3:$extraPort" -Slot 0 | Where-Object { $_.State -eq 'Busy' }).Count -eq 1 -and (Get-Marked $marker).Count -ge 1 } -Seconds 60
            & bash $script:HostScript stop-host 127.0.0.3 $extraPort | Out-Null
            $job | Wait-Job -Timeout 120 | Out-Null
            $results = Receive-Job $job -WarningVariable warnings -WarningAction SilentlyContinue
            $job | Remove-Job

            $results.Count | Should -Be 6
            $results | ForEach-Object { $_.Status | Should -Be 'Succeeded' }
            $moved = @($results | Where-Object { $_.HostFailures.Count -gt 0 })
            $moved.Count | Should -BeGreaterThan 0
            $moved | ForEach-Object {
                $_.HostFailures[0] | Should -BeLike "127.0.0.3:$extraPort*"
                $_.ComputerName | Should -Not -Be "127.0.0.3:$extraPort"
                $_.Attempts | Should -Be 2
            }
            ($warnings -join "`n") | Should -BeLike "*127.0.0.3:$extraPort*"
        }
        finally {
            & bash $script:HostScript stop-host 127.0.0.3 $extraPort | Out-Null
        }
    }

    It 'leaves nothing running on any host after Stop-Job' {
        if (Skip-WithoutHosts) { return }
        $marker = New-Marker
        $job = 1..6 | Start-ParallelCommand "sh -c 'sleep 600; true' $marker-{} & wait" -HostName '1/127.0.0.1', '1/127.0.0.2', '1/127.0.0.3' -SshConfigFile $env:PJ_SSH_CONFIG -AsJob
        Wait-Until { (Get-Marked $marker).Count -ge 3 } -Seconds 60
        Stop-Job $job
        $results = Receive-Job $job -ErrorAction SilentlyContinue
        $job | Remove-Job
        $results.Count | Should -Be 6
        $results | ForEach-Object { $_.Status | Should -Be 'Cancelled' }
        Wait-Until { (Get-Marked $marker).Count -eq 0 } -Seconds 15
    }

    It 'leaves nothing running on any host when the local PowerShell is killed (<Signal>)' -TestCases @(
        @{ Signal = 'KILL' }, @{ Signal = 'HUP' }
    ) {
        param($Signal)
        if (Skip-WithoutHosts) { return }
        $marker = New-Marker
        $module = Join-Path $PSScriptRoot '../../ParallelJobs.psd1'
        # SIGKILL gives the session no chance to stop anything: only the remote wrapper's lifeline (the ssh
        # client's stdin, gone with this process) can end the remote commands. SIGHUP is a closed terminal.
        $script = "Import-Module '$module'; 1..6 | Start-ParallelCommand `"sh -c 'sleep 600; true' $marker-{} & wait`" -HostName '1/127.0.0.1', '1/127.0.0.2', '1/127.0.0.3' -SshConfigFile '$env:PJ_SSH_CONFIG' | Out-Null"
        $child = Start-ChildPwsh '-Command', $script
        try {
            Wait-Until { (Get-Marked $marker).Count -ge 3 } -Seconds 60
            & kill "-$Signal" $child.Id
            $child.WaitForExit(30000) | Should -BeTrue
        }
        finally { if (-not $child.HasExited) { $child.Kill($true) } }
        Wait-Until { (Get-Marked $marker).Count -eq 0 } -Seconds 30
    }

    It 'ends the commands as HostUnavailable when no host is left, with the reason' {
        if (Skip-WithoutHosts) { return }
        $extraPort = $script:Port + 6
        & bash $script:HostScript start-host 127.0.0.3 $extraPort | Out-Null
        try {
            $marker = New-Marker
            $job = 1..3 | Start-ParallelCommand "sh -c 'sleep 600; true' $marker-{} & wait" -HostName "1/127.0.0.3:$extraPort" -SshConfigFile $env:PJ_SSH_CONFIG -AsJob
            Wait-Until { (Get-Marked $marker).Count -ge 1 } -Seconds 60
            & bash $script:HostScript stop-host 127.0.0.3 $extraPort | Out-Null
            $job | Wait-Job -Timeout 120 | Out-Null
            $results = Receive-Job $job -ErrorAction SilentlyContinue -ErrorVariable failures
            $job | Remove-Job
            $results.Count | Should -Be 3
            $results | ForEach-Object {
                $_.Status | Should -Be 'HostUnavailable'
                $_.Reason | Should -BeLike '*No host is left*Connection refused*'
            }
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'CommandHostUnavailable*'
            Wait-Until { (Get-Marked $marker).Count -eq 0 } -Seconds 15
        }
        finally {
            & bash $script:HostScript stop-host 127.0.0.3 $extraPort | Out-Null
        }
    }

    It 'refuses a bad host entry, naming it, before anything starts' {
        { Start-ParallelCommand 'true' -HostName 'good', '0/bad' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidHostName,ParallelJobs.Commands.StartParallelCommandCommand' -ExpectedMessage "*'0/bad'*slot count*"
        { Start-ParallelCommand 'true' -SshOption 'BatchMode=yes' -ErrorAction Stop } |
            Should -Throw -ErrorId 'SshOptionWithoutHostName,ParallelJobs.Commands.StartParallelCommandCommand'
        { Start-ParallelCommand 'true' -HostName 'h1' -SshOption '-oProxyCommand=x' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidSshOption,ParallelJobs.Commands.StartParallelCommandCommand'
    }

    It 'fails before anything starts when no host can be reached, with ssh''s reason' {
        if (Skip-WithoutHosts) { return }
        $dead = "127.0.0.3:$($script:Port + 9)"
        { Start-ParallelCommand 'true' -HostName $dead -SshConfigFile $env:PJ_SSH_CONFIG -ErrorAction Stop } |
            Should -Throw -ErrorId 'HostsUnreachable,ParallelJobs.Commands.StartParallelCommandCommand' -ExpectedMessage '*Connection refused*'
    }
}
