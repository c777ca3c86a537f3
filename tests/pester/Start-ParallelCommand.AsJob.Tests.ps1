#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Start-ParallelCommand -AsJob: a ParallelJob that every standard job cmdlet handles.
BeforeAll {
    Import-Module $PSScriptRoot/../../ParallelJobs.psd1 -Force
    . $PSScriptRoot/TestSupport.ps1
}

AfterAll {
    Get-Job | Where-Object PSJobTypeName -eq 'ParallelJob' | Remove-Job -Force
}

Describe 'Start-ParallelCommand -AsJob' {
    AfterEach {
        Get-Job | Where-Object PSJobTypeName -eq 'ParallelJob' | Remove-Job -Force
    }

    It 'returns a ParallelJob at once, named by -Name, with one child job per command' {
        $job = Start-ParallelCommand -Command (Cmd 'sleep 5' (WinSleep 5)), 'echo b', 'echo c' -ThrottleLimit 2 -AsJob -Name pj-name -GracePeriodSeconds 0.1
        $job | Should -BeOfType ParallelJobs.ParallelJob
        $job.Name | Should -Be 'pj-name'
        $job.PSJobTypeName | Should -Be 'ParallelJob'
        $job.State | Should -Be 'Running'
        $job.ChildJobs.Count | Should -Be 3
        $job.ChildJobs | ForEach-Object { $_ | Should -BeOfType ParallelJobs.ParallelChildJob }
        ($job.ChildJobs | ForEach-Object Index) | Should -Be 0, 1, 2
        Stop-Job $job
    }

    It 'is found by Get-Job by name, id, state and type, and its children with -IncludeChildJob' {
        $job = Start-ParallelCommand 'echo x' -AsJob -Name pj-find
        (Get-Job -Name pj-find).InstanceId | Should -Be $job.InstanceId
        (Get-Job -Id $job.Id).InstanceId | Should -Be $job.InstanceId
        (Get-Job -InstanceId $job.InstanceId).Id | Should -Be $job.Id
        $null = Wait-Job $job
        (Get-Job -State Completed | Where-Object InstanceId -eq $job.InstanceId) | Should -Not -BeNullOrEmpty
        (Get-Job -IncludeChildJob | Where-Object Id -eq $job.ChildJobs[0].Id) | Should -Not -BeNullOrEmpty
        (Get-Job | Where-Object PSJobTypeName -eq 'ParallelJob').Id | Should -Contain $job.Id
    }

    It 'Receive-Job returns one CommandResult per command; failures also in the error stream with stable ErrorIds' {
        $job = Start-ParallelCommand -Command 'echo one', (Cmd 'echo bad >&2; exit 3' '>&2 echo bad& exit 3'), 'echo three' -ThrottleLimit 2 -AsJob
        $null = Wait-Job $job
        $job.State | Should -Be 'Failed'
        $results = Receive-Job $job -ErrorVariable errs -ErrorAction SilentlyContinue
        $results.Count | Should -Be 3
        $results | ForEach-Object { $_ | Should -BeOfType ParallelJobs.CommandResult }
        ($results | Sort-Object Index | ForEach-Object Status) | Should -Be 'Succeeded', 'Failed', 'Succeeded'
        ($results | Where-Object Index -eq 1).ExitCode | Should -Be 3
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'CommandFailed*'
        $errs[0].TargetObject.Index | Should -Be 1
        ($job.ChildJobs | ForEach-Object { $_.JobStateInfo.State.ToString() }) | Should -Be 'Completed', 'Failed', 'Completed'
        # Received without -Keep: nothing left.
        $job.HasMoreData | Should -BeFalse
        @(Receive-Job $job).Count | Should -Be 0
    }

    It 'is Completed when every command succeeded, and Receive-Job -Keep leaves the results' {
        $job = Start-ParallelCommand -Command 'exit 0', 'echo ok' -AsJob
        $null = Wait-Job $job
        $job.State | Should -Be 'Completed'
        (Receive-Job $job -Keep).Count | Should -Be 2
        $job.HasMoreData | Should -BeTrue
        (Receive-Job $job -Keep).Count | Should -Be 2
    }

    It 'reports time-outs and failed starts with their own ErrorIds' {
        $job = Start-ParallelCommand -FilePath (Join-Path $TestDrive 'no-such-program') -AsJob
        $null = $job | Wait-Job
        $null = Receive-Job $job -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'CommandFailedToStart*'

        $job = Start-ParallelCommand (Cmd 'sleep 30' (WinSleep 30)) -TimeoutSeconds 0.5 -GracePeriodSeconds 0.1 -AsJob
        $null = $job | Wait-Job
        $r = Receive-Job $job -ErrorVariable errs -ErrorAction SilentlyContinue
        $r.Status | Should -Be 'TimedOut'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'CommandTimedOut*'
        $job.State | Should -Be 'Failed'
    }

    It 'is Running while a command runs or waits; child jobs go NotStarted -> Running -> finished' {
        $gate = Join-Path $TestDrive 'gate'
        $job = Start-ParallelCommand -Command (Cmd "while [ ! -e '$gate' ]; do sleep 0.05; done" "call `"$(Get-WaitBatch)`" `"$gate`""), 'echo second' -ThrottleLimit 1 -AsJob
        Wait-Until { $job.ChildJobs[0].JobStateInfo.State -eq 'Running' }
        $job.State | Should -Be 'Running'
        $job.ChildJobs[1].JobStateInfo.State | Should -Be 'NotStarted'
        $job.ChildJobs[0].ProcessId | Should -BeGreaterThan 0
        Set-Content -Path $gate -Value ''
        $null = Wait-Job $job
        $job.State | Should -Be 'Completed'
        ($job.ChildJobs | ForEach-Object { $_.JobStateInfo.State.ToString() }) | Should -Be 'Completed', 'Completed'
    }

    It 'Wait-Job -Any on the child jobs returns the first command to finish' {
        $job = Start-ParallelCommand -Command (Cmd 'sleep 30' (WinSleep 30)), 'echo fast' -ThrottleLimit 2 -AsJob -GracePeriodSeconds 0.1
        $first = Wait-Job -Job $job.ChildJobs -Any
        $first.Index | Should -Be 1
        $first.State | Should -Be 'Completed'
        (Receive-Job $first).Output | Should -Be 'fast'
        Stop-Job $job
    }

    It 'Wait-Job -Timeout returns nothing while the job still runs' {
        $job = Start-ParallelCommand (Cmd 'sleep 30' (WinSleep 30)) -AsJob -GracePeriodSeconds 0.1
        Wait-Job $job -Timeout 1 | Should -BeNullOrEmpty
        $job.State | Should -Be 'Running'
        Wait-Job $job.ChildJobs -Timeout 1 | Should -BeNullOrEmpty
    }

    It 'Stop-Job kills every running process tree; commands not started end as Cancelled; every input has one result' {
        $before = if ($IsWindows) { Get-ProgramIds 'PING' }
        $job = Start-ParallelCommand -Command (1..6 | ForEach-Object { Cmd "sleep 30 & sleep 30; echo never $_" "cmd /d /c $(WinSleep 30) & $(WinSleep 30) & echo never $_" }) -ThrottleLimit 2 -AsJob -GracePeriodSeconds 0.2
        Wait-Until { @(Get-ParallelSlot $job | Where-Object { $_.ProcessId }).Count -eq 2 }
        $pids = Get-ParallelSlot $job | ForEach-Object ProcessId
        Stop-Job $job
        $job.State | Should -Be 'Stopped'
        $results = Receive-Job $job
        $results.Count | Should -Be 6
        ($results.Index | Sort-Object) | Should -Be (0..5)
        $results | ForEach-Object { $_.Status | Should -Be 'Cancelled' }
        @($results | Where-Object Slot -eq -1).Count | Should -Be 4
        $job.ChildJobs | ForEach-Object { $_.JobStateInfo.State | Should -Be 'Stopped' }
        foreach ($p in $pids) { Test-ProcessAlive $p | Should -BeFalse }
        if ($IsWindows) { @(Get-StillRunning @(Get-ProgramIds 'PING' | Where-Object { $_ -notin $before })) | Should -BeNullOrEmpty -Because 'the pings in the trees must not outlive Stop-Job' }
    }

    It 'Stop-Job on one child job stops only that command; the others still run' {
        $job = Start-ParallelCommand -Command (Cmd 'sleep 30' (WinSleep 30)), 'echo waiting', 'echo after' -ThrottleLimit 1 -AsJob -GracePeriodSeconds 0.1
        Wait-Until { $job.ChildJobs[0].JobStateInfo.State -eq 'Running' }
        Stop-Job $job.ChildJobs[1]
        $job.ChildJobs[1].JobStateInfo.State | Should -Be 'Stopped'
        Stop-Job $job.ChildJobs[0]
        $job.ChildJobs[0].JobStateInfo.State | Should -Be 'Stopped'
        $null = Wait-Job $job
        $job.ChildJobs[2].JobStateInfo.State | Should -Be 'Completed'
        $job.State | Should -Be 'Stopped'
        $results = Receive-Job $job
        ($results | Sort-Object Index | ForEach-Object Status) | Should -Be 'Cancelled', 'Cancelled', 'Succeeded'
    }

    It 'Stop-Job on a finished job changes nothing' {
        $job = Start-ParallelCommand 'echo done' -AsJob
        $null = Wait-Job $job
        Stop-Job $job
        $job.State | Should -Be 'Completed'
    }

    It 'Remove-Job refuses a running job without -Force, and with -Force kills what runs' {
        $job = Start-ParallelCommand (Cmd 'sleep 30' (WinSleep 30)) -AsJob -GracePeriodSeconds 0.1
        Wait-Until { (Get-ParallelSlot $job)[0].ProcessId }
        $processId = (Get-ParallelSlot $job)[0].ProcessId
        { Remove-Job $job -ErrorAction Stop } | Should -Throw -ErrorId 'JobObjectNotFinishedCannotBeRemoved*'
        Get-Job -Id $job.Id | Should -Not -BeNullOrEmpty
        Remove-Job $job -Force
        Get-Job -Id $job.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $job.State | Should -Be 'Stopped'
        Test-ProcessAlive $processId | Should -BeFalse
    }

    It 'Remove-Job removes a finished job' {
        $job = Start-ParallelCommand 'echo x' -AsJob
        $null = Wait-Job $job
        Remove-Job $job
        Get-Job -Id $job.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'Receive-Job -Wait -AutoRemoveJob streams every result and removes the job' {
        $job = Start-ParallelCommand -Command (Cmd 'sleep 0.3; echo a' "$(WinSleep 1) & echo a"), 'echo b', 'echo c' -ThrottleLimit 2 -AsJob
        $results = Receive-Job $job -Wait -AutoRemoveJob
        ($results.Output | Sort-Object) | Should -Be 'a', 'b', 'c'
        Get-Job -Id $job.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'takes pipeline input and replacement tokens like the synchronous form' {
        $job = 'x', 'y' | Start-ParallelCommand 'echo {#}:{} slot {%}' -ThrottleLimit 1 -AsJob
        $results = Receive-Job $job -Wait
        ($results | Sort-Object Index | ForEach-Object { $_.Output }) | Should -Be '1:x slot 1', '2:y slot 1'
    }

    It 'an empty input gives a Completed job with no children' {
        $job = @() | Start-ParallelCommand 'echo {}' -AsJob
        $null = Wait-Job $job
        $job.State | Should -Be 'Completed'
        $job.ChildJobs.Count | Should -Be 0
    }

    It 'with -OutputDirectory the results keep bounded tails and the files every byte' {
        $dir = Join-Path $TestDrive 'out'
        $job = Start-ParallelCommand (Cmd 'seq 1 5000' 'for /l %i in (1,1,5000) do @echo %i') -OutputDirectory $dir -AsJob
        $r = Receive-Job $job -Wait
        $r.OutputLineCount | Should -Be 5000
        $r.Output.Count | Should -BeLessThan 5000
        $r.OutputTruncated | Should -BeTrue
        (Get-Content (Join-Path $dir 'slot-0.out')).Count | Should -Be 5000
        @(Receive-SlotOutput -Path $dir).Count | Should -Be 5000
    }

    It 'Suspend-Job is refused clearly' {
        $job = Start-ParallelCommand (Cmd 'sleep 30' (WinSleep 30)) -AsJob -GracePeriodSeconds 0.1
        { Suspend-Job $job -ErrorAction Stop } | Should -Throw
        Stop-Job $job
        $job.State | Should -Be 'Stopped'
    }
}
