#Requires -Version 7.0
# Start-ParallelCommand as a user sees it: objects, errors, -ErrorAction Stop, progress, slot files.

BeforeAll {
    $script:ModulePath = Join-Path $PSScriptRoot '../../ParallelJobs.psd1'
    Import-Module $script:ModulePath -Force
    . $PSScriptRoot/TestSupport.ps1
}

Describe 'Start-ParallelCommand' {
    Context 'results as objects' {
        It 'emits exactly one CommandResult per input, with its output' {
            $r = 'echo one', 'echo two', 'echo three' | Start-ParallelCommand -ThrottleLimit 2
            $r | Should -HaveCount 3
            $r | ForEach-Object { $_ | Should -BeOfType ([ParallelJobs.CommandResult]) }
            ($r | Sort-Object Index).Output | Should -Be @('one', 'two', 'three')
            $r.Status | Should -Not -Contain 'Failed'
            $r | ForEach-Object { $_.Succeeded | Should -BeTrue }
        }

        It 'fills replacement tokens from pipeline input, one command per object' {
            $r = 'a.txt', 'dir/b.tar.gz' | Start-ParallelCommand (Cmd 'echo "{} {.} {/} {//} {/.} {#}"' 'echo {} {.} {/} {//} {/.} {#}') -KeepOrder
            $r[0].Output | Should -Be 'a.txt a a.txt . a 1'
            $r[1].Output | Should -Be 'dir/b.tar.gz dir/b.tar b.tar.gz dir b.tar 2'
        }

        It 'gives a file''s full path for {}' {
            $f = New-Item -ItemType File -Path (Join-Path $TestDrive 'in file.txt') -Force
            # cmd.exe: the value comes quoted (it holds a space); for's %~a drops the quotes.
            $r = Get-Item $f.FullName | Start-ParallelCommand (Cmd 'printf %s {}' 'for %a in ({}) do @echo %~a')
            $r.Output | Should -Be $f.FullName
        }

        It 'quotes substituted input so it is one argument, never code' {
            if ($IsWindows) {
                Push-Location $TestDrive
                try {
                    $printer = Get-ArgumentPrinter
                    $template = (@($printer.Program) + $printer.Arguments | ForEach-Object { "`"$_`"" }) -join ' '
                    $hostile = @('x & echo PWNED> PWNED', 'a|b', '!x!', '^', '(x)', 'x>y', "it's", 'a"b', 'a "&" b', 'trail\', 'two words')
                    # Wine's cmd.exe (its own implementation) crashes on < inside double quotes; Windows' takes it literally.
                    if (-not $OnWine) { $hostile += '<x>' }
                    $r = $hostile | Start-ParallelCommand "$template {}" -KeepOrder
                    $r.Status | Sort-Object -Unique | Should -Be 'Succeeded'
                    $r.Output | Should -Be ($hostile | ForEach-Object { "$_|" })
                    Test-Path (Join-Path $TestDrive 'PWNED') | Should -BeFalse
                    # % would be expanded by cmd.exe before any quote or caret counts: the value is refused, by name.
                    $refused = 'x%PATH%y' | Start-ParallelCommand "$template {}" -ErrorAction SilentlyContinue -ErrorVariable errs
                    $refused.Status | Should -Be 'FailedToStart'
                    $refused.Reason | Should -BeLike "*'x%PATH%y'*%*"
                }
                finally { Pop-Location }
                return
            }
            Push-Location $TestDrive
            try {
                $hostile = 'x; touch PWNED', '$(touch PWNED2)', '`touch PWNED3`', "it's", 'a"b', '*'
                $r = $hostile | Start-ParallelCommand 'printf "%s\n" {}' -KeepOrder
                $r.Output | Should -Be $hostile
                Test-Path (Join-Path $TestDrive 'PWNED') | Should -BeFalse
                Test-Path (Join-Path $TestDrive 'PWNED2') | Should -BeFalse
                Test-Path (Join-Path $TestDrive 'PWNED3') | Should -BeFalse
            }
            finally { Pop-Location }
        }

        It 'runs a program directly with -FilePath, each argument exactly as given' {
            if ($IsWindows) {
                $printer = Get-ArgumentPrinter
                $r = Start-ParallelCommand -FilePath $printer.Program -ArgumentList ($printer.Arguments + @('a b', 'c"d', '', 'e\', '%PATH%'))
                $r.Output | Should -Be 'a b|c"d||e\|%PATH%|'
                return
            }
            $r = Start-ParallelCommand -FilePath printf -ArgumentList '%s|', 'a b', 'c"d', '' 
            $r.Output | Should -Be 'a b|c"d||'
        }

        It 'keeps input order with -KeepOrder' {
            $r = (Cmd 'sleep 0.4; echo 0' "$(WinSleep 2) & echo 0"), (Cmd 'sleep 0.2; echo 1' "$(WinSleep 1) & echo 1"), 'echo 2' | Start-ParallelCommand -ThrottleLimit 3 -KeepOrder
            $r.Index | Should -Be @(0, 1, 2)
        }

        It 'uses stable, lowest-first slots and tells each command its slot' {
            # '# {}' keeps the input out of the output (a template without tokens gets the input appended).
            $r = 1..6 | Start-ParallelCommand (Cmd 'echo $PARALLELJOBS_SLOT $PARALLELJOBS_INDEX # {}' 'echo %PARALLELJOBS_SLOT% %PARALLELJOBS_INDEX%& rem {}') -ThrottleLimit 2
            $r | ForEach-Object { $_.Output | Should -Be "$($_.Slot) $($_.Index)" }
            ($r.Slot | Sort-Object -Unique) | Should -Be @(0, 1)
        }

        It 'starts commands in the current location, and passes -Environment' {
            Push-Location $TestDrive
            try {
                $r = Start-ParallelCommand (Cmd 'pwd; echo "$PJ_X"' 'cd& echo %PJ_X%') -Environment @{ PJ_X = 'from hashtable' }
                $r.Output[0] | Should -Be (Get-Location).ProviderPath
                $r.Output[1] | Should -Be 'from hashtable'
            }
            finally { Pop-Location }
        }

        It 'closes stdin, so a command reading it ends at once' {
            (Start-ParallelCommand (Cmd 'cat; echo done' 'set /p line=& echo done')).Output | Should -Be 'done'
        }

        It 'is shown as a table with Index, Slot, Status, ExitCode, Duration, Command' {
            $text = Start-ParallelCommand 'echo hi' | Format-Table | Out-String
            foreach ($h in 'Index', 'Slot', 'Status', 'ExitCode', 'Duration', 'Command') { $text | Should -Match $h }
        }
    }

    Context 'failures' {
        It 'writes a failed command as a result and as a non-terminating error targeting it' {
            $r = Start-ParallelCommand 'echo ok', (Cmd 'echo bad >&2; exit 3' '>&2 echo bad& exit 3') -ErrorVariable errs -ErrorAction SilentlyContinue
            $r | Should -HaveCount 2
            $failed = $r | Where-Object Index -EQ 1
            $failed.Status | Should -Be 'Failed'
            $failed.ExitCode | Should -Be 3
            $failed.Error | Should -Be 'bad'
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'CommandFailed,*'
            $errs[0].TargetObject.Index | Should -Be 1
            $errs[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        }

        It 'gives FailedToStart for a program that does not exist, and still runs the others' {
            $missing = Join-Path $TestDrive 'no-such-program'
            $r = @(Start-ParallelCommand -FilePath $missing -ErrorVariable errs -ErrorAction SilentlyContinue) +
                 @(Start-ParallelCommand 'echo still here')
            $r[0].Status | Should -Be 'FailedToStart'
            $r[0].Reason | Should -BeLike "*$missing*"
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'CommandFailedToStart,*'
            $r[1].Output | Should -Be 'still here'
        }

        It 'quotes a few hundred characters of a 3 MB command in its error, and keeps all of it on the result' {
            $command = 'echo ' + ('x' * (3MB - 5))
            $r = Start-ParallelCommand $command -WorkingDirectory (Join-Path $TestDrive 'no-such-dir') -ErrorVariable errs -ErrorAction SilentlyContinue
            $r.Status | Should -Be 'FailedToStart'
            $r.Command.Length | Should -Be 3MB
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'CommandFailedToStart,*'
            $errs[0].Exception.Message.Length | Should -BeLessThan 1000
            $errs[0].Exception.Message | Should -Match 'no-such-dir'
            ($errs[0] | Out-String).Length | Should -BeLessThan 5000 -Because 'the error as shown on the terminal stays readable'
        }

        It 'times out a command and stops its whole process tree' {
            if ($IsWindows) {
                # cmd.exe -> cmd.exe -> ping, 600 s unless killed: none of this run's pings may be left.
                $before = Get-ProgramIds 'PING'
                $r = Start-ParallelCommand 'cmd /d /c ping -n 600 127.0.0.1 >nul & ping -n 600 127.0.0.1 >nul' -TimeoutSeconds 1 -ErrorAction SilentlyContinue -ErrorVariable errs
                $r.Status | Should -Be 'TimedOut'
                $errs[0].FullyQualifiedErrorId | Should -BeLike 'CommandTimedOut,*'
                Test-ProcessAlive $r.ProcessId | Should -BeFalse
                @(Get-StillRunning @(Get-ProgramIds 'PING' | Where-Object { $_ -notin $before })) | Should -BeNullOrEmpty -Because 'the ping grandchild must not outlive the time-out'
                return
            }
            $r = Start-ParallelCommand 'sleep 600 & echo $!; sleep 600' -TimeoutSeconds 1 -GracePeriodSeconds 0.5 -ErrorAction SilentlyContinue -ErrorVariable errs
            $r.Status | Should -Be 'TimedOut'
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'CommandTimedOut,*'
            $pids = @([int]$r.Output[0], $r.ProcessId)
            foreach ($p in $pids) { Test-ProcessAlive $p | Should -BeFalse -Because "process $p must not outlive the time-out" }
        }

        It 'stops the run at the first failure with -ErrorAction Stop, killing what runs' {
            if ($IsWindows) {
                $before = Get-ProgramIds 'PING'
                { "$(WinSleep 1) & exit 1", 'cmd /d /c ping -n 600 127.0.0.1 >nul' | Start-ParallelCommand -ThrottleLimit 2 -ErrorAction Stop } |
                    Should -Throw -ErrorId 'CommandFailed,*'
                @(Get-StillRunning @(Get-ProgramIds 'PING' | Where-Object { $_ -notin $before })) | Should -BeNullOrEmpty -Because 'the running command''s tree must not outlive the stop'
                return
            }
            $pidFile = Join-Path $TestDrive 'second.pid'
            { "exit 1", "echo `$`$ > '$pidFile'; exec sleep 600" | Start-ParallelCommand -ThrottleLimit 2 -GracePeriodSeconds 0.2 -ErrorAction Stop } |
                Should -Throw -ErrorId 'CommandFailed,*'
            # The second command either never started or was killed before the cmdlet returned.
            if (Test-Path $pidFile) {
                $secondPid = [int](Get-Content $pidFile)
                Test-ProcessAlive $secondPid | Should -BeFalse
            }
        }

        It 'rejects a ThrottleLimit of 0 before anything starts' {
            { Start-ParallelCommand 'echo x' -ThrottleLimit 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }

        It 'runs 10 inputs with -ThrottleLimit [int]::MaxValue, making only the slots it uses' {
            $r = 0..9 | Start-ParallelCommand 'echo' -ThrottleLimit ([int]::MaxValue)
            $r.Count | Should -Be 10
            $r.Status | Sort-Object -Unique | Should -Be 'Succeeded'
            ($r | Sort-Object Index).Output | Should -Be ('0'..'9')
            $r.Slot | ForEach-Object { $_ | Should -BeLessThan 10 }
        }

        It 'rejects an empty command' {
            { Start-ParallelCommand '' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }

        It 'rejects -Environment keys that cannot be variables, naming the key, before anything starts' {
            $marker = Join-Path $TestDrive 'env-ran'
            foreach ($key in '', 'A=B', "A`0B") {
                $err = $null
                try { Start-ParallelCommand (Cmd "touch '$marker'" "type nul > `"$marker`"") -Environment @{ $key = 'x' } }
                catch { $err = $_ }
                $err | Should -Not -BeNullOrEmpty -Because "key '$key' cannot be an environment variable"
                $err.FullyQualifiedErrorId | Should -BeLike 'InvalidEnvironmentVariableName,*'
                $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
                $err.Exception.Message | Should -Match ($(if ($key) { [regex]::Escape("'$($key -replace "`0", '\0')'") } else { 'empty' }))
            }
            Test-Path $marker | Should -BeFalse
        }

        It 'rejects an output directory that cannot be created, before anything starts' {
            $file = New-Item -ItemType File -Path (Join-Path $TestDrive 'a-file') -Force
            $marker = Join-Path $TestDrive 'ran'
            { Start-ParallelCommand (Cmd "touch '$marker'" "type nul > `"$marker`"") -OutputDirectory (Join-Path $file.FullName 'sub') } |
                Should -Throw -ErrorId 'OutputDirectoryUnavailable,*'
            Test-Path $marker | Should -BeFalse
        }
    }

    Context 'Ctrl+C' {
        It 'stops every process tree when the pipeline is stopped, and returns promptly' {
            if ($IsWindows) {
                $before = Get-ProgramIds 'PING'
                $ps = [powershell]::Create()
                try {
                    $null = $ps.AddScript("Import-Module '$($script:ModulePath)'; Start-ParallelCommand 'cmd /d /c ping -n 600 127.0.0.1 >nul', 'ping -n 600 127.0.0.1 >nul' -ThrottleLimit 2")
                    $async = $ps.BeginInvoke()
                    # No event says 'the command has started' from outside; wait for both pings (bounded).
                    Wait-Until { @(Get-ProgramIds 'PING' | Where-Object { $_ -notin $before }).Count -ge 2 } -Seconds 60
                    $clock = [System.Diagnostics.Stopwatch]::StartNew()
                    $ps.Stop()   # what Ctrl+C does: StopProcessing, then the pipeline ends
                    $clock.Elapsed.TotalSeconds | Should -BeLessThan 60 -Because 'Ctrl+C must not wait for the 600 s commands (a hang check, not a timing target)'
                    $async.IsCompleted | Should -BeTrue
                    @(Get-StillRunning @(Get-ProgramIds 'PING' | Where-Object { $_ -notin $before })) | Should -BeNullOrEmpty -Because 'no ping may outlive Ctrl+C'
                }
                finally { $ps.Dispose() }
                return
            }
            $pidFile = Join-Path $TestDrive 'tree.pids'
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$($script:ModulePath)'; Start-ParallelCommand 'sleep 600 & echo `$! >> ''$pidFile''; echo `$`$ >> ''$pidFile''; wait', 'sleep 600' -ThrottleLimit 2 -GracePeriodSeconds 1")
                $async = $ps.BeginInvoke()
                # No event says 'the command has started' from outside; wait for its PID file (bounded).
                $deadline = [DateTime]::UtcNow.AddSeconds(30)
                while (-not ((Test-Path $pidFile) -and @(Get-Content $pidFile).Count -ge 2) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
                @(Get-Content $pidFile) | Should -HaveCount 2
                $clock = [System.Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()   # what Ctrl+C does: StopProcessing, then the pipeline ends
                $clock.Elapsed.TotalSeconds | Should -BeLessThan 60 -Because 'Ctrl+C must not wait for the 600 s commands (a hang check, not a timing target)'
                $async.IsCompleted | Should -BeTrue
                foreach ($p in Get-Content $pidFile) { Test-ProcessAlive ([int]$p) | Should -BeFalse -Because "process $p must not outlive Ctrl+C" }
            }
            finally { $ps.Dispose() }
        }
    }

    Context 'per-slot output files' {
        It 'writes each slot''s bytes to slot-<k>.out and .err, in the order its commands ran' {
            $dir = Join-Path $TestDrive 'slots'
            # The files hold the bytes as written: cmd.exe's echo ends its lines with CR LF.
            $nl = if ($IsWindows) { "`r`n" } else { "`n" }
            $r = 0..9 | Start-ParallelCommand (Cmd 'printf "line {}\n"; printf "err {}\n" >&2' 'echo line {}& >&2 echo err {}') -ThrottleLimit 3 -OutputDirectory $dir
            foreach ($slot in $r | Group-Object Slot) {
                $expected = ($slot.Group | Sort-Object StartTime | ForEach-Object { "line $($_.Index)$nl" }) -join ''
                $actual = [System.IO.File]::ReadAllText((Join-Path $dir "slot-$($slot.Name).out"))
                $actual | Should -BeExactly $expected
                $expectedErr = ($slot.Group | Sort-Object StartTime | ForEach-Object { "err $($_.Index)$nl" }) -join ''
                [System.IO.File]::ReadAllText((Join-Path $dir "slot-$($slot.Name).err")) | Should -BeExactly $expectedErr
            }
            $r[0].OutputPath | Should -BeLike "*slot-*.out"
        }
    }

    Context 'one run per output directory' {
        It 'refuses a second run in a directory another run holds, and leaves that run''s files alone' {
            $dir = Join-Path $TestDrive 'held'
            $gate = Join-Path $TestDrive 'held-gate'
            $job = Start-ParallelCommand (Cmd "echo first; while [ ! -f '$gate' ]; do sleep 0.01; done" "echo first& for /l %i in (1,1,600) do @if exist `"$gate`" (exit 0) else $(WinSleep 1)") -OutputDirectory $dir -AsJob
            try {
                Wait-Until { (Get-Job -Id $job.Id).ChildJobs[0].State -eq 'Running' }
                $marker = Join-Path $TestDrive 'second-ran'
                $err = $null
                try { Start-ParallelCommand (Cmd "touch '$marker'" "type nul > `"$marker`"") -OutputDirectory $dir } catch { $err = $_ }
                $err.FullyQualifiedErrorId | Should -BeLike 'OutputDirectoryInUse,*'
                $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
                $err.Exception.Message | Should -BeLike "*'$dir'*in use by another run*"
                Test-Path $marker | Should -BeFalse
                $null = New-Item -ItemType File -Path $gate
                $r = $job | Wait-Job | Receive-Job
                $r.Status | Should -Be 'Succeeded'
                [System.IO.File]::ReadAllText((Join-Path $dir 'slot-0.out')) | Should -BeExactly "first$(if ($IsWindows) { "`r" })`n"
            }
            finally { $job | Remove-Job -Force }
            # Ended: the directory is free again.
            (Start-ParallelCommand 'echo again' -OutputDirectory $dir).Status | Should -Be 'Succeeded'
        }

        It 'is not blocked by the lock of a run whose PowerShell was killed' {
            $dir = Join-Path $TestDrive 'killed'
            $pidFile = Join-Path $TestDrive 'killed.pid'
            # A real PowerShell of its own, started the way this one was (pwsh, or dotnet running pwsh.dll).
            $exe = (Get-Process -Id $PID).Path
            $psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
            if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $psi.ArgumentList.Add([Environment]::GetCommandLineArgs()[0]) }
            $holding = Cmd "echo `$`$ > ''$pidFile''; exec sleep 600" "echo held> `"$pidFile`"& ping -n 600 127.0.0.1 >nul"
            foreach ($a in '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$($script:ModulePath)'; Start-ParallelCommand '$holding' -OutputDirectory '$dir'") { $psi.ArgumentList.Add($a) }
            $holder = [System.Diagnostics.Process]::Start($psi)
            try {
                Wait-Until { (Test-Path $pidFile) -and (Get-Content $pidFile) } -Seconds 60
                { Start-ParallelCommand 'echo x' -OutputDirectory $dir } | Should -Throw -ErrorId 'OutputDirectoryInUse,*'
            }
            finally {
                $holder.Kill()   # SIGKILL (TerminateProcess on Windows): no chance to release anything itself
                $holder.WaitForExit()
                # Windows: the job object dies with its holder and takes the ping with it.
                if ((Test-Path $pidFile) -and -not $IsWindows) { Stop-Process -Id ([int](Get-Content $pidFile)) -Force -ErrorAction SilentlyContinue }
            }
            Test-Path (Join-Path $dir 'parallel-jobs.lock') | Should -BeTrue -Because 'the killed run left its lock file'
            $r = Start-ParallelCommand 'echo after' -OutputDirectory $dir
            $r.Status | Should -Be 'Succeeded'
            [System.IO.File]::ReadAllText((Join-Path $dir 'slot-0.out')) | Should -BeExactly "after$(if ($IsWindows) { "`r" })`n"
        }

        It 'says once, as a warning, that the directory was removed during the run' {
            if (Skip-OnWindows 'a file a run holds open cannot be deleted there, so its directory cannot be removed during the run') { return }
            $dir = Join-Path $TestDrive 'removed'
            $r = "rm -rf '$dir'", 'echo a', 'echo b' | Start-ParallelCommand -ThrottleLimit 1 -OutputDirectory $dir -WarningVariable warns -WarningAction SilentlyContinue -ErrorVariable errs -ErrorAction SilentlyContinue
            $r | Should -HaveCount 3
            $r.Status | Should -Be @('Succeeded', 'Succeeded', 'Succeeded')
            $warns | Should -HaveCount 1
            $warns[0].Message | Should -BeLike "*'$dir'*removed during the run*"
            @($errs | Where-Object FullyQualifiedErrorId -Like 'OutputNotWritten,*').Count | Should -Be 2
            ($r | Sort-Object Index | Select-Object -Skip 1).OutputWriteError | ForEach-Object { $_ | Should -BeLike "*$dir/slot-0.out*" }
        }
    }

    Context 'a full disk' {
        It 'still gives every input its result, and names the file and the reason for output it could not write' -Skip:(-not $IsLinux -and -not $IsWindows) {
            if (Skip-OnWindows 'the test fills a disk with a 1 MB tmpfs mount, which is Linux''s') { return }
            $mnt = Join-Path ([System.IO.Path]::GetTempPath()) "pj-pester-tmpfs-$([guid]::NewGuid().ToString('N'))"
            $null = New-Item -ItemType Directory -Path $mnt
            $mountOutput = & mount -t tmpfs -o size=1m tmpfs $mnt 2>&1
            if ($LASTEXITCODE -ne 0) {
                Remove-Item $mnt
                if ($env:CI -eq 'true') { throw "CI=true, yet a 1 MB tmpfs cannot be mounted: $mountOutput" }
                Set-ItResult -Skipped -Because "mounting a 1 MB tmpfs needs root: $mountOutput"
                return
            }
            try {
                $dir = Join-Path $mnt 'out'
                # 600 KB each: the second command already fills the disk.
                $r = 1..4 | Start-ParallelCommand 'head -c 600000 /dev/zero; echo # {}' -ThrottleLimit 2 -OutputDirectory $dir -ErrorVariable errs -ErrorAction SilentlyContinue
                $r | Should -HaveCount 4
                $r.Status | Should -Be @('Succeeded', 'Succeeded', 'Succeeded', 'Succeeded')
                $lost = @($r | Where-Object OutputWriteError)
                $lost.Count | Should -BeGreaterThan 0
                $errs.Count | Should -Be $lost.Count
                foreach ($e in $errs) {
                    $e.FullyQualifiedErrorId | Should -BeLike 'OutputNotWritten,*'
                    $e.CategoryInfo.Category | Should -Be 'WriteError'
                    $e.TargetObject | Should -BeOfType ([ParallelJobs.CommandResult])
                    $e.Exception.Message | Should -BeLike "*'$dir/slot-$($e.TargetObject.Slot).out'*no space left on device*"
                }
            }
            finally {
                & umount -l $mnt
                Remove-Item $mnt
            }
        }
    }

    Context 'job log and resume' {
        It 'writes a GNU parallel job log, and -Resume skips what it records' {
            $log = Join-Path $TestDrive 'joblog.tsv'
            $first = 'echo a', 'exit 2' | Start-ParallelCommand -ThrottleLimit 1 -JobLog $log -ErrorAction SilentlyContinue
            (Get-Content $log)[0] | Should -Be "Seq`tHost`tStarttime`tJobRuntime`tSend`tReceive`tExitval`tSignal`tCommand"
            @(Get-Content $log) | Should -HaveCount 3
            $again = 'echo a', 'exit 2', 'echo c' | Start-ParallelCommand -ThrottleLimit 1 -JobLog $log -Resume -ErrorVariable errs -ErrorAction SilentlyContinue
            ($again | Sort-Object Index).Status | Should -Be @('Skipped', 'Skipped', 'Succeeded')
            $errs | Should -HaveCount 0 -Because 'skipped commands are not failures'
            $retry = 'echo a', 'exit 2', 'echo c' | Start-ParallelCommand -ThrottleLimit 1 -JobLog $log -ResumeFailed -ErrorAction SilentlyContinue
            ($retry | Sort-Object Index).Status | Should -Be @('Skipped', 'Failed', 'Skipped')
        }

        It 'resumes from a job log whose last line was cut off, ignoring that line with a warning' {
            $log = Join-Path $TestDrive 'cut-joblog.tsv'
            $null = 'echo a', 'echo b' | Start-ParallelCommand -ThrottleLimit 1 -JobLog $log
            # An interrupted run: the third line was being written when it stopped.
            [System.IO.File]::AppendAllText($log, "3`t:`t17000")
            $again = 'echo a', 'echo b', 'echo c' | Start-ParallelCommand -ThrottleLimit 1 -JobLog $log -Resume -WarningVariable warns -WarningAction SilentlyContinue
            ($again | Sort-Object Index).Status | Should -Be @('Skipped', 'Skipped', 'Succeeded')
            $warns | Should -HaveCount 1
            $warns[0].Message | Should -BeLike "*$log*line 4 is incomplete*"
            # The log was left whole: cut it again, and a job says so too.
            [System.IO.File]::AppendAllText($log, "4`t:")
            $job = 'echo a', 'echo b', 'echo c', 'echo d' | Start-ParallelCommand -ThrottleLimit 1 -JobLog $log -Resume -AsJob
            $null = $job | Wait-Job
            ($job | Receive-Job -WarningVariable jobWarns -WarningAction SilentlyContinue | Sort-Object Index).Status | Should -Be @('Skipped', 'Skipped', 'Skipped', 'Succeeded')
            $jobWarns | Should -HaveCount 1
            $jobWarns[0].Message | Should -BeLike "*line 5 is incomplete*"
            $job | Remove-Job
        }

        It 'rejects -Resume without -JobLog, and a file that is not a job log, before anything starts' {
            { Start-ParallelCommand 'echo x' -Resume } | Should -Throw -ErrorId 'ResumeWithoutJobLog,*'
            $bad = Join-Path $TestDrive 'not-a-log'
            Set-Content $bad "hello`nworld"
            { Start-ParallelCommand 'echo x' -JobLog $bad -Resume } | Should -Throw -ErrorId 'InvalidJobLog,*'
        }
    }

    Context 'progress' {
        It 'reports progress, and none when $ProgressPreference is SilentlyContinue' {
            foreach ($pref in 'Continue', 'SilentlyContinue') {
                $ps = [powershell]::Create()
                try {
                    $pause = Cmd 'sleep 0.3' 'ping -n 1 127.0.0.1 >nul'
                    $null = $ps.AddScript("Import-Module '$($script:ModulePath)'; `$ProgressPreference = '$pref'; Start-ParallelCommand '$pause', '$pause', '$pause' -ThrottleLimit 1")
                    $out = $ps.Invoke()
                    $out | Should -HaveCount 3
                    if ($pref -eq 'Continue') { $ps.Streams.Progress.Count | Should -BeGreaterThan 0 }
                    else { $ps.Streams.Progress.Count | Should -Be 0 }
                }
                finally { $ps.Dispose() }
            }
        }
    }

    Context 'help' {
        It 'has full help with the per-slot output scenario among its examples' {
            $help = Get-Help Start-ParallelCommand -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            ($help.Examples.Example.Code -join "`n") | Should -Match 'OutputDirectory'
        }

        It 'has an about_ParallelJobs topic explaining slots, statuses and tokens' {
            $about = Get-Help about_ParallelJobs | Out-String
            $about | Should -Match 'SLOTS'
            $about | Should -Match 'FailedToStart'
            $about | Should -Match '\{/\.\}'
        }
    }
}
