#Requires -Version 7.0
# Start-ParallelCommand -Slurm against the real single-node cluster of tests/infra/slurm-cluster.sh, found
# through SLURM_CONF (or the script's default state directory). Without one the cluster tests are skipped
# with the reason; under CI=true (.ci/run starts the cluster) they fail instead.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../ParallelJobs.psd1') -Force
    . $PSScriptRoot/TestSupport.ps1

    $script:SlurmProblem = $null
    if (-not $env:SLURM_CONF) {
        $state = if ($env:PARALLELJOBS_SLURM_STATE) { $env:PARALLELJOBS_SLURM_STATE } else { '/tmp/parallel-jobs-slurm' }
        $env:SLURM_CONF = Join-Path $state 'slurm.conf'
    }
    if ($IsWindows) { $script:SlurmProblem = 'Slurm runs are submitted from Unix machines' }
    elseif (-not (Get-Command sinfo -ErrorAction SilentlyContinue)) { $script:SlurmProblem = 'the Slurm client commands are not installed' }
    elseif (-not (Test-Path $env:SLURM_CONF)) { $script:SlurmProblem = "$env:SLURM_CONF does not exist" }
    else {
        $node = (& sinfo -h -o '%T' 2>&1 | Out-String).Trim()
        if ($node -notin 'idle', 'mixed', 'allocated', 'completing') { $script:SlurmProblem = "sinfo with SLURM_CONF=$env:SLURM_CONF says '$node'" }
    }

    function Skip-WithoutCluster {
        if (-not $script:SlurmProblem) { return $false }
        $why = "no Slurm test cluster: $script:SlurmProblem; start one with tests/infra/slurm-cluster.sh start"
        if ($env:CI -eq 'true' -and -not $IsWindows) { throw "$why (CI=true: .ci/run starts the cluster)" }
        Set-ItResult -Skipped -Because $why
        return $true
    }
}

Describe 'Start-ParallelCommand -Slurm' {
    It 'runs the commands as array tasks and returns one result each, with the node, the task id and the output' {
        if (Skip-WithoutCluster) { return }
        $log = Join-Path $TestDrive 'jobs.log'
        $commands = 0..5 | ForEach-Object { "echo line $_; exit $($_ % 3)" }
        $results = Start-ParallelCommand -Slurm -ThrottleLimit 2 -Command $commands -WorkingDirectory $TestDrive -KeepOrder -JobLog $log -ErrorAction SilentlyContinue -ErrorVariable failures

        $results.Index | Should -Be (0..5)
        $results.ExitCode | Should -Be @(0, 1, 2, 0, 1, 2)
        $results.Status | Should -Be @('Succeeded', 'Failed', 'Failed', 'Succeeded', 'Failed', 'Failed')
        $results | ForEach-Object { $_.Output | Should -Be "line $($_.Index)" }
        $results.ComputerName | Select-Object -Unique | Should -Be 'pjnode'
        $results.ClusterJobId | ForEach-Object { $_ | Should -Match '^\d+_\d+$' }
        $failures.Count | Should -Be 4
        (Get-Content $log | Select-Object -Skip 1).Count | Should -Be 6
        # The run directory is under the working directory; each command's output file holds its bytes.
        Get-Content -Raw $results[3].OutputPath | Should -Be "line 3`n"
        $results[3].OutputPath | Should -BeLike (Join-Path $TestDrive 'parallel-jobs-runs/pj-*')
    }

    It 'stops every task with Stop-Job (-AsJob), leaving none in squeue' {
        if (Skip-WithoutCluster) { return }
        $job = Start-ParallelCommand -Slurm -ThrottleLimit 2 -Command (1..4 | ForEach-Object { 'sleep 600' }) -WorkingDirectory $TestDrive -AsJob
        try {
            Wait-Until { @(Get-ParallelSlot -Job $job).Count -ge 1 } -Seconds 60
            $running = @(Get-ParallelSlot -Job $job)
            $running[0].State | Should -Be 'Busy'
            $running[0].ProcessId | Should -BeGreaterThan 0
            Stop-Job $job
            $results = Receive-Job $job -Wait
            $results.Count | Should -Be 4
            $results.Status | Select-Object -Unique | Should -Be 'Cancelled'
            $ids = @($results.ClusterJobId | Where-Object { $_ } | ForEach-Object { $_.Split('_')[0] } | Select-Object -Unique)
            $ids.Count | Should -Be 1
            (& squeue -h -j $ids[0] 2>$null) | Should -BeNullOrEmpty
        }
        finally { Remove-Job $job -Force }
    }

    It 'resumes a run whose PowerShell was killed, without running a finished command again' {
        if (Skip-WithoutCluster) { return }
        $log = Join-Path $TestDrive 'killed.log'
        $marks = Join-Path $TestDrive 'marks'
        $module = Join-Path $PSScriptRoot '../../ParallelJobs.psd1'
        # Each command leaves a mark when it runs; the first session is killed (SIGKILL: no clean-up of its own)
        # once the job log records two finished commands.
        $script = "Import-Module '$module'; 1..6 | Start-ParallelCommand -Slurm -ThrottleLimit 2 'sleep 1; echo {} >> ''$marks''' -WorkingDirectory '$TestDrive' -JobLog '$log' | Out-Null"
        $first = Start-ChildPwsh '-Command', $script
        try {
            Wait-Until { (Test-Path $log) -and @(Get-Content $log | Select-Object -Skip 1).Count -ge 2 } -Seconds 120
        }
        finally { $first.Kill(); $first.WaitForExit() }
        $recorded = @(Get-Content $log | Select-Object -Skip 1 | ForEach-Object { ($_ -split "`t")[-1] })
        $recorded.Count | Should -BeGreaterOrEqual 2

        $resumed = 1..6 | Start-ParallelCommand -Slurm -ThrottleLimit 2 "sleep 1; echo {} >> '$marks'" -WorkingDirectory $TestDrive -JobLog $log -Resume

        $resumed.Count | Should -Be 6
        @($resumed | Where-Object Status -eq 'Skipped').Count | Should -Be $recorded.Count
        $resumed | Where-Object Status -ne 'Skipped' | ForEach-Object { $_.Status | Should -Be 'Succeeded' }
        # A command the log recorded as finished ran once; every command has now run and is in the log.
        $runs = @(Get-Content $marks)
        foreach ($command in $recorded) {
            $n = [regex]::Match($command, 'echo (\d+)').Groups[1].Value
            @($runs | Where-Object { $_ -eq $n }).Count | Should -Be 1 -Because "'$command' was recorded before the kill"
        }
        @(Get-Content $log | Select-Object -Skip 1).Count | Should -Be 6
    }

    It 'runs the commands as job steps inside an allocation (SLURM_JOB_ID set), with the node and step on each result' {
        if (Skip-WithoutCluster) { return }
        $granted = (& salloc --no-shell --ntasks=2 --time=10 --job-name=pj-pester-allocation 2>&1 | Out-String)
        if ($granted -notmatch 'Granted job allocation (\d+)') { throw "salloc failed: $granted" }
        $allocation = $Matches[1]
        $saved = $env:SLURM_JOB_ID
        try {
            $env:SLURM_JOB_ID = $allocation
            $results = Start-ParallelCommand -Slurm -ThrottleLimit 2 -Command 'echo "step $SLURM_STEP_ID"', 'exit 4', 'sleep 300' -TimeoutSeconds 5 -KeepOrder -ErrorAction SilentlyContinue

            $results.Status | Should -Be @('Succeeded', 'Failed', 'TimedOut')
            $results[1].ExitCode | Should -Be 4
            $results.ComputerName | Select-Object -Unique | Should -Be 'pjnode'
            $results | ForEach-Object { $_.ClusterJobId | Should -Match "^$allocation\.\d+$" }
            $results[0].Output | Should -Be "step $($results[0].ClusterJobId.Split('.')[1])"
        }
        finally {
            $env:SLURM_JOB_ID = $saved
            & scancel $allocation 2>$null
        }
    }

    It 'stops one command with Stop-Job on its child job, and its task goes on with the other commands' {
        if (Skip-WithoutCluster) { return }
        # One task at a time takes the commands in turn, so the stopped command shares its task with the others.
        $job = Start-ParallelCommand -Slurm -ThrottleLimit 1 -Command 'echo a; sleep 600', 'sleep 1; echo b', 'echo c' -WorkingDirectory $TestDrive -AsJob
        try {
            Wait-Until { @(Get-ParallelSlot -Job $job | Where-Object Index -eq 0).Count -eq 1 } -Seconds 60
            $job.ChildJobs[0] | Stop-Job
            $job.ChildJobs[0].State | Should -Be 'Stopped'
            $results = Receive-Job $job -Wait | Sort-Object Index
            $results.Status | Should -Be @('Cancelled', 'Succeeded', 'Succeeded')
            $results[0].Reason | Should -BeLike '*Stop-Job*while it ran*'
            $results[0].Output | Should -Be 'a'
            $results[1].Output | Should -Be 'b'
            # The same Slurm task ran all three: Slurm was not asked to cancel it.
            $results.ClusterJobId | Select-Object -Unique | Should -HaveCount 1
        }
        finally { Remove-Job $job -Force }
    }

    It 'gives a command whose task Slurm requeued exactly one result, from its second attempt' {
        if (Skip-WithoutCluster) { return }
        # The first command requeues its own task the first time it runs (scontrol requeue, as an admin or a node
        # failure would), and is killed by Slurm there; the others keep the second task busy meanwhile.
        $once = Join-Path $TestDrive 'requeued-once'
        $commands = @("if mkdir '$once' 2>/dev/null; then echo first; scontrol requeue `${SLURM_ARRAY_JOB_ID}_`${SLURM_ARRAY_TASK_ID}; sleep 600; fi; echo again") +
            (1..5 | ForEach-Object { "sleep 5; echo $_" })
        $results = Start-ParallelCommand -Slurm -ThrottleLimit 2 -Command $commands -WorkingDirectory $TestDrive -KeepOrder -WarningVariable warnings -WarningAction SilentlyContinue

        $results.Index | Should -Be (0..5)
        $results.Status | Select-Object -Unique | Should -Be 'Succeeded'
        $results[0].Attempts | Should -Be 2
        $results[0].Output | Should -Be 'again'
        $results[0].HostFailures | Should -HaveCount 1
        $results[0].HostFailures[0] | Should -BeLike '*requeued task*'
        $results[1..5].Attempts | Select-Object -Unique | Should -Be 1
        # At least once, not exactly once: the lost attempt may have done part of its work, and a warning says so.
        $warnings | Should -HaveCount 1
        "$($warnings[0])" | Should -BeLike 'Command 0 *ran again on pjnode after Slurm requeued its task*at least once*'
        # The first attempt's output stays in its own file; the result's is the second attempt's alone.
        Get-Content -Raw ($results[0].OutputPath -replace '\.2\.out$', '.1.out') | Should -BeLike "first`n*"
    }

    It 'writes slot files and commands.tsv under -OutputDirectory, which Receive-SlotOutput -Path reads back' {
        if (Skip-WithoutCluster) { return }
        $out = Join-Path $TestDrive 'slurm-out'
        $results = 0..3 | Start-ParallelCommand -Slurm -ThrottleLimit 2 'echo line {}; echo oops {} >&2' -OutputDirectory $out
        $results.Count | Should -Be 4
        (Get-ChildItem $out -Filter 'slot-pjnode-*.out').Count | Should -BeGreaterThan 0
        Join-Path $out 'commands.tsv' | Should -Exist

        $lines = Receive-SlotOutput -Path $out
        ($lines | Where-Object Stream -eq 'Output' | Sort-Object Index).Line | Should -Be @('line 0', 'line 1', 'line 2', 'line 3')
        ($lines | Where-Object Stream -eq 'Error' | Sort-Object Index).Line | Should -Be @('oops 0', 'oops 1', 'oops 2', 'oops 3')
        $lines.ComputerName | Select-Object -Unique | Should -Be 'pjnode'
        foreach ($r in $results) {
            @($lines | Where-Object Index -eq $r.Index | Select-Object -ExpandProperty Slot -Unique) | Should -Be @($r.Slot)
        }
    }

    It 'names a Slurm option the module owns as the error' {
        if (Skip-OnWindows 'Slurm runs are submitted from Unix machines; the module refuses -Slurm there before it reads the options') { return }
        { Start-ParallelCommand -Slurm -SlurmOption '--array=0-3' -Command 'true' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidSlurmOptions,ParallelJobs.Commands.StartParallelCommandCommand' -ExpectedMessage "*'--array=0-3'*"
    }

    It 'refuses -TimeoutSeconds with -Slurm, pointing to --time' {
        if (Skip-OnWindows 'Slurm runs are submitted from Unix machines; the module refuses -Slurm there before it reads -TimeoutSeconds') { return }
        { Start-ParallelCommand -Slurm -TimeoutSeconds 5 -Command 'true' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidTimeout,ParallelJobs.Commands.StartParallelCommandCommand' -ExpectedMessage '*--time=*'
    }

    It 'refuses -SlurmOption without -Slurm' {
        { Start-ParallelCommand -SlurmOption '--partition=short' -Command 'true' -ErrorAction Stop } |
            Should -Throw -ErrorId 'SlurmOptionWithoutSlurm,ParallelJobs.Commands.StartParallelCommandCommand'
    }
}
