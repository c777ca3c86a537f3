#Requires -Version 7.0
# What a GNU parallel user reaches for, typed as a PowerShell user would: several values per command,
# property tokens, halt policies, retry control, spaced and memory-bounded starts, resume by command text.

BeforeAll {
    $script:ModulePath = Join-Path $PSScriptRoot '../../ParallelJobs.psd1'
    Import-Module $script:ModulePath -Force
    . $PSScriptRoot/TestSupport.ps1
}

Describe 'Start-ParallelCommand, GNU parallel parity' {
    Context 'several values per command: {1} {2} and {Name}' {
        It 'takes an array from the pipeline as one command with {1} {2} and their path forms' {
            $r = ,@('dir/a.fq.gz', 'b.fq') | Start-ParallelCommand 'echo {2} {1} {1.} {1/} {1//} {1/.} {2/.}'
            $r | Should -HaveCount 1
            $r.Output | Should -Be 'b.fq dir/a.fq.gz dir/a.fq a.fq.gz dir a.fq b'
            $r.InputObject | Should -Be 'dir/a.fq.gz b.fq'
        }

        It 'runs one command per inner array, from the pipeline and from -InputObject' {
            $pairs = @(@('a1', 'a2'), @('b1', 'b2'))
            $r = $pairs | Start-ParallelCommand 'echo {1}+{2}' -KeepOrder
            $r.Output | Should -Be @('a1+a2', 'b1+b2')
            $r = Start-ParallelCommand 'echo {1}+{2}' -InputObject $pairs -KeepOrder
            $r.Output | Should -Be @('a1+a2', 'b1+b2')
        }

        It 'quotes each value once: {} of an array is every value, each one argument' {
            Push-Location $TestDrive
            try {
                if ($IsWindows) {
                    $printer = Get-ArgumentPrinter
                    $template = (@($printer.Program) + $printer.Arguments | ForEach-Object { "`"$_`"" }) -join ' '
                    $r = ,@('x & echo PWNED> PWNED', "it's", 'a b') | Start-ParallelCommand "$template {}"
                    $r.Output | Should -Be "x & echo PWNED> PWNED|it's|a b|"
                    $r = ,@('!x! ^ | >', 'c d') | Start-ParallelCommand $template
                    $r.Output | Should -Be '!x! ^ | >|c d|'
                    Test-Path PWNED | Should -BeFalse
                    return
                }
                $r = ,@('x; touch PWNED', "it's", 'a b') | Start-ParallelCommand 'printf "%s|" {}'
                $r.Output | Should -Be "x; touch PWNED|it's|a b|"
                $r = ,@('$(touch PWNED2)', 'c d') | Start-ParallelCommand 'printf "%s|"'
                $r.Output | Should -Be '$(touch PWNED2)|c d|'
                Test-Path PWNED, PWNED2 | Should -Be @($false, $false)
            }
            finally { Pop-Location }
        }

        It 'fills {FullName} and {Name} from files, with path forms, and leaves awk braces alone' {
            $dir = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'with space') -Force
            'x' | Set-Content (Join-Path $dir 'r1.log')
            if ($IsWindows) {
                $printer = Get-ArgumentPrinter
                $template = (@($printer.Program) + $printer.Arguments | ForEach-Object { "`"$_`"" }) -join ' '
                $r = Get-ChildItem $dir -Filter *.log | Start-ParallelCommand "$template {FullName} {Name} {Name/.} {FullName//}& echo {print `$1}"
                $r.Output | Should -Be @("$($dir.FullName)\r1.log|r1.log|r1|$($dir.FullName)|", '{print $1}')
                return
            }
            $r = Get-ChildItem $dir -Filter *.log | Start-ParallelCommand 'printf "%s|" {FullName} {Name} {Name/.} {FullName//}; echo; echo | awk ''{print "awk"}'''
            $r.Output | Should -Be @("$($dir.FullName)/r1.log|r1.log|r1|$($dir.FullName)|", 'awk')
        }

        It 'fills {Name} from a hashtable or a custom object, ignoring case' {
            $r = @{ sample = 'S1'; Reads = 'r.fq' } | Start-ParallelCommand 'echo {Sample} {reads.}'
            $r.Output | Should -Be 'S1 r'
            $r = [pscustomobject]@{ Sample = 'S2' } | Start-ParallelCommand 'echo {Sample}'
            $r.Output | Should -Be 'S2'
        }

        It 'fills {1} {2} and {Name} in -ArgumentList, each argument exactly as given' {
            if ($IsWindows) {
                $printer = Get-ArgumentPrinter
                $r = ,@('a b', 'c"d') | Start-ParallelCommand -FilePath $printer.Program -ArgumentList ($printer.Arguments + @('{2}', '{1}'))
                $r.Output | Should -Be 'c"d|a b|'
                return
            }
            $r = ,@('a b', 'c"d') | Start-ParallelCommand -FilePath printf -ArgumentList '%s|', '{2}', '{1}'
            $r.Output | Should -Be 'c"d|a b|'
        }

        It 'runs every combination of two lists with nested loops (GNU parallel ::: a b ::: x y)' {
            $r = 'a', 'b' | ForEach-Object { $a = $_; 'x', 'y' | ForEach-Object { ,@($a, $_) } } |
                Start-ParallelCommand 'echo {1}{2}' -KeepOrder
            $r.Output | Should -Be @('ax', 'ay', 'bx', 'by')
        }
    }

    Context 'resume by what ran' {
        It 'skips the commands the log records even after the input list changed order, lost and gained entries' {
            $log = Join-Path $TestDrive 'resume.joblog'
            $null = 'a', 'b', 'c' | Start-ParallelCommand 'echo {}' -JobLog $log -ThrottleLimit 1
            $r = 'new', 'c', 'a' | Start-ParallelCommand 'echo {}' -JobLog $log -Resume -KeepOrder
            $r.Status | Should -Be @('Succeeded', 'Skipped', 'Skipped')
            $r[1].Reason | Should -BeLike "*$log*records this command*"
            (Get-Content $log | Select-Object -Skip 1 | ForEach-Object { ($_ -split "`t")[8] }) | Should -Be @('echo a', 'echo b', 'echo c', 'echo new')
        }
    }

    Context 'retry control' {
        It 'retries only the chosen exit codes, waiting between attempts' {
            $counter = Join-Path $TestDrive 'retry-count'
            # Fails with 75 twice, then succeeds (on Windows: a marker file per failed attempt).
            $flaky = Cmd "echo x >> '$counter'; [ `$(wc -l < '$counter') -ge 3 ] || exit 75" "if exist `"$counter.2`" (exit 0) else if exist `"$counter.1`" (type nul> `"$counter.2`"& exit 75) else (type nul> `"$counter.1`"& exit 75)"
            $r = $flaky, 'exit 1' | Start-ParallelCommand -Retries 3 -RetryOnExitCode 75 -RetryDelaySeconds 0.1 -KeepOrder -ErrorAction SilentlyContinue -ErrorVariable errs
            $r[0].Status | Should -Be 'Succeeded'
            $r[0].Attempts | Should -Be 3
            $r[1].Status | Should -Be 'Failed'
            $r[1].Attempts | Should -Be 1
            $r[1].Reason | Should -BeLike '*Not retried: only exit codes 75 are.*'
            $errs | Should -HaveCount 1
        }

        It 'shows a slot waiting for its retry in Get-ParallelSlot, and Stop-Job ends the wait' {
            $job = Start-ParallelCommand 'exit 9' -Retries 2 -RetryDelaySeconds 600 -AsJob
            try {
                $deadline = (Get-Date).AddSeconds(60)
                while (($slot = Get-ParallelSlot -Job $job | Select-Object -First 1).State -ne 'Waiting' -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
                $slot.State | Should -Be 'Waiting'
                $slot.WaitReason | Should -BeLike 'retry 1 of 2 in 600 s*code 9*'
                ($slot | Out-String -Width 400) | Should -BeLike '*waiting: retry 1 of 2*'
                $job | Stop-Job
                $r = $job | Receive-Job -ErrorAction SilentlyContinue
                $r.Status | Should -Be 'Failed'
                $r.Reason | Should -BeLike '*Not retried: the run was stopped.'
            }
            finally { $job | Remove-Job -Force }
        }

        It 'rejects -RetryDelaySeconds without -Retries' {
            { Start-ParallelCommand 'exit 1' -RetryDelaySeconds 1 } | Should -Throw -ErrorId 'InvalidRetryDelay,*'
        }

        It 'keeps -ResumeFailed working: a command that failed all its attempts runs again with them' {
            $log = Join-Path $TestDrive 'retry.joblog'
            $counter = Join-Path $TestDrive 'resume-count'
            $cmd = Cmd "echo x >> '$counter'; [ `$(wc -l < '$counter') -ge 3 ]" "if exist `"$counter.2`" (exit 0) else if exist `"$counter.1`" (type nul> `"$counter.2`"& exit 1) else (type nul> `"$counter.1`"& exit 1)"
            $first = $cmd, 'echo ok' | Start-ParallelCommand -Retries 1 -JobLog $log -ThrottleLimit 1 -KeepOrder -ErrorAction SilentlyContinue
            $first.Status | Should -Be @('Failed', 'Succeeded')
            $again = $cmd, 'echo ok' | Start-ParallelCommand -Retries 1 -JobLog $log -ResumeFailed -ThrottleLimit 1 -KeepOrder
            $again.Status | Should -Be @('Succeeded', 'Skipped')
            $again[0].Attempts | Should -Be 1
        }
    }

    Context 'halt policies' {
        It 'starts nothing new after the first failure with -Halt soon,fail=1, the rest Skipped with the reason' {
            $r = 'exit 1', 'echo a', 'echo b' | Start-ParallelCommand -Halt soon,fail=1 -ThrottleLimit 1 -KeepOrder -ErrorAction SilentlyContinue -WarningVariable warns -WarningAction SilentlyContinue
            $r.Status | Should -Be @('Failed', 'Skipped', 'Skipped')
            $r[1].Reason | Should -Be 'Not run: the halt policy soon,fail=1 was met: 1 command failed.'
            $warns.Message | Should -BeLike 'Halting: the halt policy soon,fail=1*'
        }

        It 'stops the running commands too with -Halt now,success=1' {
            $r = (Cmd 'exec sleep 600' 'ping -n 600 127.0.0.1 >nul'), 'echo found', 'echo c' | Start-ParallelCommand -Halt now,success=1 -ThrottleLimit 2 -KeepOrder -GracePeriodSeconds 0.5 -WarningAction SilentlyContinue
            $r.Status | Should -Be @('Cancelled', 'Succeeded', 'Skipped')
            $r[0].Reason | Should -BeLike 'Stopped while it ran: the halt policy now,success=1 was met*'
        }

        It 'halts at a percentage of all the commands' {
            $r = 'exit 1', 'exit 1', 'echo c', 'echo d' | Start-ParallelCommand -Halt soon,fail=50% -ThrottleLimit 1 -KeepOrder -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            $r.Status | Should -Be @('Failed', 'Failed', 'Skipped', 'Skipped')
        }

        It 'rejects a policy it does not understand, saying the form' {
            { Start-ParallelCommand 'echo x' -Halt 'later,fail=1' } | Should -Throw -ErrorId 'InvalidHalt,*'
            { Start-ParallelCommand 'echo x' -Halt 'now,fail=0' } | Should -Throw '*soon,fail=1*'
        }
    }

    Context 'spaced and memory-bounded starts' {
        It 'starts commands at least -DelaySeconds apart' {
            $r = 1..3 | Start-ParallelCommand 'echo {}' -DelaySeconds 0.3 -ThrottleLimit 3
            $starts = $r.StartTime | Sort-Object
            (($starts[1] - $starts[0]).TotalSeconds) | Should -BeGreaterOrEqual 0.28
            (($starts[2] - $starts[1]).TotalSeconds) | Should -BeGreaterOrEqual 0.28
        }

        It 'holds starts back while free memory is below -MemoryFree, shown in Get-ParallelSlot' -Skip:(-not $IsLinux -and -not $IsWindows) {
            if (Skip-OnWindows '-MemoryFree reads MemAvailable from /proc/meminfo, which is Linux''s') { return }
            $job = Start-ParallelCommand 'echo never' -MemoryFree 1PB -AsJob
            try {
                $deadline = (Get-Date).AddSeconds(60)
                while (($slot = Get-ParallelSlot -Job $job | Select-Object -First 1).State -ne 'Waiting' -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
                $slot.State | Should -Be 'Waiting'
                $slot.WaitReason | Should -BeLike 'free memory * MB is below -MemoryFree 1073741824 MB*'
                $job | Stop-Job
                ($job | Receive-Job).Status | Should -Be 'Cancelled'
            }
            finally { $job | Remove-Job -Force }
        }
    }
}
