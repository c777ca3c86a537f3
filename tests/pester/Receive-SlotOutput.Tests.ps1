#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Receive-SlotOutput: what each slot printed, from a live job, a directory written by -OutputDirectory,
# or CommandResult objects from the pipeline.
BeforeAll {
    Import-Module $PSScriptRoot/../../ParallelJobs.psd1 -Force
    . $PSScriptRoot/TestSupport.ps1

    # Commands that print which command they were, in a few slots.
    $script:commands = 0..9 | ForEach-Object { Cmd "echo 'Command number - $_.'; echo 'warn $_' >&2" "echo Command number - $_.& >&2 echo warn $_" }

    # The same commands, the first three of which wait for each other (each leaves a marker file, then
    # waits for three), so three slots are in use however quickly a command starts and ends.
    function New-SeedCommands {
        $barrier = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $barrier
        0..9 | ForEach-Object {
            $wait = if ($_ -ge 3) { '' }
                elseif ($IsWindows) { "type nul > `"$barrier\$_`"& call `"$(Get-WaitBatch)`" `"$barrier\0`" `"$barrier\1`" `"$barrier\2`"& " }
                else { "touch '$barrier/$_'; until [ `$(ls '$barrier' | wc -l) -ge 3 ]; do sleep 0.01; done; " }
            "$wait$($commands[$_])"
        }
    }

    function Get-ExpectedSlotLines($Results, [int] $Slot) {
        $Results | Where-Object Slot -eq $Slot | Sort-Object StartTime | ForEach-Object { $_.Lines }
    }

}

AfterAll {
    Get-Job | Where-Object PSJobTypeName -eq 'ParallelJob' | Remove-Job -Force
}

Describe 'Receive-SlotOutput from CommandResult objects' {
    BeforeAll {
        $script:results = Start-ParallelCommand -Command (New-SeedCommands) -ThrottleLimit 3 -ErrorAction SilentlyContinue
    }

    It 'emits SlotOutputLine objects slot by slot, in the order each slot ran its commands' {
        $lines = $results | Receive-SlotOutput
        $lines | ForEach-Object { $_ | Should -BeOfType ParallelJobs.SlotOutputLine }
        $lines.Count | Should -Be 20
        ($lines.Slot | Select-Object -Unique) | Should -Be 0, 1, 2
        foreach ($slot in 0..2) {
            $expected = Get-ExpectedSlotLines $results $slot
            $actual = $lines | Where-Object Slot -eq $slot
            ($actual | ForEach-Object { "$($_.Index) $($_.Stream) $($_.Line)" }) | Should -Be ($expected | ForEach-Object { "$($_.Index) $($_.Stream) $($_.Line)" })
        }
    }

    It '-Slot, -Stream and -Raw filter and flatten' {
        $slot2 = $results | Receive-SlotOutput -Slot 2
        $slot2 | ForEach-Object { $_.Slot | Should -Be 2 }
        $raw = $results | Receive-SlotOutput -Slot 1 -Stream Output -Raw
        $raw | ForEach-Object { $_ | Should -BeOfType string; $_ | Should -BeLike 'Command number - *' }
        $raw | Should -Be ((Get-ExpectedSlotLines $results 1) | Where-Object Stream -eq 'Output' | ForEach-Object Line)
        $errors = $results | Receive-SlotOutput -Stream Error
        $errors.Count | Should -Be 10
        $errors | ForEach-Object { $_.Stream | Should -Be 'Error' }
    }

    It 'a slot none of the results ran in is an error' {
        $null = $results | Receive-SlotOutput -Slot 7 -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'SlotOutOfRange*'
    }
}

Describe 'Receive-SlotOutput -Path' {
    BeforeAll {
        $script:dir = Join-Path $TestDrive 'slots'
        $script:pathResults = Start-ParallelCommand -Command (New-SeedCommands) -ThrottleLimit 3 -OutputDirectory $dir
    }

    It 'reads the per-slot files back (output.file.N of a per-slot script), attributed to commands' {
        (Get-ChildItem $dir -Filter 'slot-*.out').Name | Sort-Object | Should -Be 'slot-0.out', 'slot-1.out', 'slot-2.out'
        $lines = Receive-SlotOutput -Path $dir -Stream Output
        $lines.Count | Should -Be 10
        foreach ($slot in 0..2) {
            $fromFile = Get-Content (Join-Path $dir "slot-$slot.out")
            ($lines | Where-Object Slot -eq $slot).Line | Should -Be $fromFile
            ($lines | Where-Object Slot -eq $slot).Index | Should -Be ($pathResults | Where-Object Slot -eq $slot | Sort-Object StartTime).Index
        }
        $lines | ForEach-Object { $_.Line | Should -Be "Command number - $($_.Index)." }
    }

    It 'puts each command''s stdout lines before its stderr lines' {
        $lines = Receive-SlotOutput $dir -Slot 0
        $first = $lines | Select-Object -First 2
        $first[0].Stream | Should -Be 'Output'
        $first[1].Stream | Should -Be 'Error'
        $first[1].Index | Should -Be $first[0].Index
    }

    It 'takes directories from the pipeline' {
        (Get-Item $dir | Receive-SlotOutput -Raw -Stream Error).Count | Should -Be 10
    }

    It 'reports a directory without slot files, a missing one, and a slot outside the run' {
        $empty = New-Item -ItemType Directory (Join-Path $TestDrive 'empty')
        $null = Receive-SlotOutput -Path $empty.FullName -ErrorVariable e1 -ErrorAction SilentlyContinue
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'SlotFilesNotFound*'
        $null = Receive-SlotOutput -Path (Join-Path $TestDrive 'nope') -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'SlotDirectoryNotFound*'
        $null = Receive-SlotOutput -Path $dir -Slot 9 -ErrorVariable e3 -ErrorAction SilentlyContinue
        $e3[0].FullyQualifiedErrorId | Should -BeLike 'SlotOutOfRange*'
    }
}

Describe 'Receive-SlotOutput -Job' {
    AfterEach {
        Get-Job | Where-Object PSJobTypeName -eq 'ParallelJob' | Remove-Job -Force
    }

    It 'returns what the slots printed since the last call, like Receive-Job' {
        $job = Start-ParallelCommand -Command $commands -ThrottleLimit 3 -AsJob
        $null = Wait-Job $job
        $all = Receive-SlotOutput -Job $job
        $all.Count | Should -Be 20
        $results = Receive-Job $job -ErrorAction SilentlyContinue
        foreach ($slot in 0..2) {
            ($all | Where-Object Slot -eq $slot | ForEach-Object { "$($_.Index) $($_.Line)" }) |
                Should -Be (Get-ExpectedSlotLines $results $slot | ForEach-Object { "$($_.Index) $($_.Line)" })
        }
        @(Receive-SlotOutput -Job $job).Count | Should -Be 0
    }

    It '-Keep leaves the lines for the next call' {
        $job = Start-ParallelCommand -Command 'echo a', 'echo b' -ThrottleLimit 2 -AsJob
        $null = Wait-Job $job
        (Receive-SlotOutput $job -Keep -Raw | Sort-Object) | Should -Be 'a', 'b'
        (Receive-SlotOutput $job -Keep -Raw | Sort-Object) | Should -Be 'a', 'b'
        (Receive-SlotOutput $job -Raw | Sort-Object) | Should -Be 'a', 'b'
        Receive-SlotOutput $job | Should -BeNullOrEmpty
    }

    It 'reads live while the job runs, each line once' {
        $gate = Join-Path $TestDrive 'gate-live'
        $job = Start-ParallelCommand (Cmd "echo before; while [ ! -e '$gate' ]; do sleep 0.05; done; echo after" "echo before& call `"$(Get-WaitBatch)`" `"$gate`"& echo after") -AsJob
        Wait-Until { (Get-ParallelSlot $job)[0].LastLine -eq 'before' }
        Receive-SlotOutput $job -Raw | Should -Be 'before'
        $job.State | Should -Be 'Running'
        Set-Content -Path $gate -Value ''
        $null = Wait-Job $job
        Receive-SlotOutput $job -Raw | Should -Be 'after'
    }

    It '-Wait streams until the job has finished, and takes the job from the pipeline' {
        $job = Start-ParallelCommand -Command (Cmd 'echo 1; sleep 0.3; echo 2' "echo 1& $(WinSleep 1) & echo 2"), 'echo 3' -ThrottleLimit 2 -AsJob
        $lines = $job | Receive-SlotOutput -Wait -Raw
        $job.State | Should -Be 'Completed'
        ($lines | Sort-Object) | Should -Be '1', '2', '3'
    }

    It '-Wait -Keep returns each line once and keeps them' {
        $job = Start-ParallelCommand -Command (Cmd 'echo 1; sleep 0.2; echo 2' "echo 1& $(WinSleep 1) & echo 2"), 'echo 3' -ThrottleLimit 2 -AsJob
        (Receive-SlotOutput $job -Wait -Keep -Raw | Sort-Object) | Should -Be '1', '2', '3'
        (Receive-SlotOutput $job -Raw | Sort-Object) | Should -Be '1', '2', '3'
    }

    It 'filters by -Slot and reports a slot outside the run' {
        $job = Start-ParallelCommand -Command $commands -ThrottleLimit 2 -AsJob
        $null = Wait-Job $job
        $lines = Receive-SlotOutput $job -Slot 1, 5 -Stream Output -ErrorVariable errs -ErrorAction SilentlyContinue
        $lines | ForEach-Object { $_.Slot | Should -Be 1 }
        $lines.Count | Should -BeGreaterThan 0
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'SlotOutOfRange*'
    }

    It 'with -OutputDirectory a job keeps a bounded number of unread lines per slot, and says so' {
        $dir = Join-Path $TestDrive 'bounded'
        $job = Start-ParallelCommand (Cmd 'seq 1 12000' 'for /l %i in (1,1,12000) do @echo %i') -OutputDirectory $dir -AsJob
        $null = Wait-Job $job
        $lines = Receive-SlotOutput $job -Raw -WarningVariable warns -WarningAction SilentlyContinue
        $lines.Count | Should -Be 10000
        $lines[-1] | Should -Be '12000'
        $warns.Count | Should -Be 1
        "$($warns[0])" | Should -BeLike '*2000 more lines*'
        @(Receive-SlotOutput -Path $dir -Raw).Count | Should -Be 12000
    }

    It 'a job of another type is a clear error' {
        $other = New-OtherJob
        try {
            $null = $other | Receive-SlotOutput -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'NotAParallelJob*'
            $errs[0].CategoryInfo.Category | Should -Be 'InvalidType'
        }
        finally {
            $other | Remove-Job -Force
        }
    }
}
