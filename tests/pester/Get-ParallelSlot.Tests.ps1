#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Get-ParallelSlot: each slot of a ParallelJob, live.
BeforeAll {
    Import-Module $PSScriptRoot/../../ParallelJobs.psd1 -Force
    . $PSScriptRoot/TestSupport.ps1
}

AfterAll {
    Get-Job | Where-Object PSJobTypeName -eq 'ParallelJob' | Remove-Job -Force
}

Describe 'Get-ParallelSlot' {
    AfterEach {
        Get-Job | Where-Object PSJobTypeName -eq 'ParallelJob' | Remove-Job -Force
    }

    It 'shows a busy slot with its command, index, process, start and last line during the run' {
        $gate = Join-Path $TestDrive 'gate'
        $cmd = Cmd "echo working; while [ ! -e '$gate' ]; do sleep 0.05; done" "echo working& call `"$(Get-WaitBatch)`" `"$gate`""
        $job = Start-ParallelCommand -Command $cmd -ThrottleLimit 3 -AsJob
        Wait-Until { (Get-ParallelSlot $job)[0].LastLine -eq 'working' }
        $slots = Get-ParallelSlot -Job $job
        $slots.Count | Should -Be 1 -Because 'one command needs one slot; the others are never made'
        $slots | ForEach-Object { $_ | Should -BeOfType ParallelJobs.ParallelSlot }
        $slots[0].Slot | Should -Be 0
        $slots[0].State | Should -Be 'Busy'
        $slots[0].Index | Should -Be 0
        $slots[0].Command | Should -Be $cmd
        $slots[0].ProcessId | Should -BeGreaterThan 0
        $slots[0].Since | Should -BeOfType datetime
        $slots[0].LastLine | Should -Be 'working'
        # On this machine alone the table is the plain one (a run over hosts adds their names).
        ($slots | Format-Table | Out-String -Width 200) | Should -Not -Match 'ComputerName'
        $unused = Get-ParallelSlot -Job $job -Slot 1
        $unused.State | Should -Be 'Idle'
        $unused.Index | Should -BeNullOrEmpty
        $unused.Completed | Should -Be 0
        Set-Content -Path $gate -Value ''
        $null = Wait-Job $job
    }

    It 'counts completed and failed commands per slot after the run' {
        $job = Start-ParallelCommand -Command 'echo a', 'exit 1', 'echo c', 'exit 2' -ThrottleLimit 1 -AsJob
        $null = Wait-Job $job
        $slot = Get-ParallelSlot $job
        $slot.State | Should -Be 'Idle'
        $slot.Completed | Should -Be 2
        $slot.Failed | Should -Be 2
        $slot.ProcessId | Should -BeNullOrEmpty
    }

    It 'takes the job from the pipeline and filters with -Slot' {
        $job = Start-ParallelCommand -Command 'echo a', 'echo b' -ThrottleLimit 4 -AsJob
        $null = Wait-Job $job
        ($job | Get-ParallelSlot).Slot | Should -BeIn 0, 1
        (Get-ParallelSlot $job -Slot 1, 3).Slot | Should -Be 1, 3
    }

    It 'shows only the slots a run with -ThrottleLimit [int]::MaxValue has used' {
        $gate = Join-Path $TestDrive 'gate-max'
        $commands = 0..9 | ForEach-Object { Cmd "echo $_; while [ ! -e '$gate' ]; do sleep 0.05; done" "echo $_& call `"$(Get-WaitBatch)`" `"$gate`"" }
        $job = Start-ParallelCommand -Command $commands -ThrottleLimit ([int]::MaxValue) -AsJob
        try {
            Wait-Until { @(Get-ParallelSlot $job | Where-Object LastLine).Count -eq 10 }
            $slots = Get-ParallelSlot $job
            $slots.Slot | Should -Be (0..9)
            $slots.State | Should -Be (@('Busy') * 10)
            (Get-ParallelSlot $job -Slot ([int]::MaxValue - 1)).State | Should -Be 'Idle'
            (Receive-SlotOutput -Job $job -Raw | Sort-Object { [int]$_ }) | Should -Be (0..9)
        }
        finally { Set-Content -Path $gate -Value '' }
        $null = Wait-Job $job
        $job.State | Should -Be 'Completed'
        (Receive-Job $job).Count | Should -Be 10
    }

    It 'reports a slot outside the run and a job of another type' {
        $job = Start-ParallelCommand 'echo a' -ThrottleLimit 2 -AsJob
        $null = Get-ParallelSlot $job -Slot 2 -ErrorVariable e1 -ErrorAction SilentlyContinue
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'SlotOutOfRange*'
        $other = New-OtherJob
        try {
            $null = Get-ParallelSlot $other -ErrorVariable e2 -ErrorAction SilentlyContinue
            $e2[0].FullyQualifiedErrorId | Should -BeLike 'NotAParallelJob*'
        }
        finally { $other | Remove-Job -Force }
    }

    It 'has a table view' {
        $job = Start-ParallelCommand 'echo a' -ThrottleLimit 1 -AsJob
        $null = Wait-Job $job
        $text = Get-ParallelSlot $job | Out-String -Width 200
        $text | Should -Match 'Slot\s+State'
        $text | Should -Match 'Idle'
    }
}
