#Requires -Version 7.0
# What a PowerShell user reaches for: -WhatIf/-Confirm, -Verbose, binding by property name, results that survive
# Export-Csv and ConvertTo-Json, -AsJob that returns at once, and tables that show what matters.

BeforeAll {
    $script:ModulePath = Join-Path $PSScriptRoot '../../ParallelJobs.psd1'
    Import-Module $script:ModulePath -Force
    . $PSScriptRoot/TestSupport.ps1
}

Describe 'Results as text that survives Export-Csv, ConvertTo-Json and Format-Table' {
    BeforeAll {
        $script:first = Cmd 'printf "a\nb\n"; echo oops >&2' 'echo a& echo b& >&2 echo oops'
        $script:results = $first, 'echo c' | Start-ParallelCommand -KeepOrder -ThrottleLimit 2
    }

    It 'gives StdOut and StdErr as one text each, lines joined by newlines' {
        $results[0].StdOut | Should -Be "a`nb"
        $results[0].StdErr | Should -Be 'oops'
        $results[1].StdOut | Should -Be 'c'
        $results[1].StdErr | Should -Be ''
    }

    It 'round-trips StdOut and StdErr through Export-Csv and Import-Csv' {
        $csv = Join-Path $TestDrive 'results.csv'
        $results | Export-Csv -Path $csv
        $back = Import-Csv -Path $csv
        $back | Should -HaveCount 2
        $back[0].StdOut | Should -Be "a`nb"
        $back[0].StdErr | Should -Be 'oops'
        $back[1].StdOut | Should -Be 'c'
        $back[0].Command | Should -Be $first
        $back[0].Status | Should -Be 'Succeeded'
    }

    It 'round-trips StdOut and StdErr through ConvertTo-Json and ConvertFrom-Json' {
        $back = $results | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        $back[0].StdOut | Should -Be "a`nb"
        $back[0].StdErr | Should -Be 'oops'
        $back[1].StdOut | Should -Be 'c'
    }

    It 'shows StdOut as text in Format-Table' {
        $text = $results | Format-Table Index, StdOut -AutoSize | Out-String
        $text | Should -Match '\b1\s+c\b'
        $text | Should -Not -Match 'System\.String\[\]'
    }

    It 'keeps StdOut within the bounded tail when the run writes slot files' {
        $dir = Join-Path $TestDrive 'slots'
        $r = Start-ParallelCommand (Cmd 'seq 1 5000' 'for /l %i in (1,1,5000) do @echo %i') -OutputDirectory $dir
        $r.OutputTruncated | Should -BeTrue
        $r.StdOut | Should -Be ($r.Output -join "`n")
        ($r.StdOut -split "`n")[-1] | Should -Be '5000'
    }
}

Describe 'The result table' {
    It 'shows no slot for a command skipped on resume (it never had one)' {
        $log = Join-Path $TestDrive 'skip.log'
        'echo a' | Start-ParallelCommand -JobLog $log | Out-Null
        $r = 'echo a', 'echo b' | Start-ParallelCommand -JobLog $log -Resume -ThrottleLimit 1 -KeepOrder
        $r[0].Status | Should -Be 'Skipped'
        $lines = ($r | Format-Table | Out-String -Width 200) -split "`n" | Where-Object { $_ -match 'Skipped|Succeeded' }
        $lines[0] | Should -Match '^\s*0\s+Skipped'
        $lines[1] | Should -Match '^\s*1\s+0\s+Succeeded'
    }
}

Describe 'Start-ParallelCommand -WhatIf and -Confirm' {
    BeforeAll {
        # -WhatIf and -Confirm talk to the host, not to a stream: run them as a user would, in a PowerShell of their own.
        function Invoke-Child([string] $Script, [string] $Answers = '') {
            $exe = (Get-Process -Id $PID).Path
            $psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
            if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $psi.ArgumentList.Add([Environment]::GetCommandLineArgs()[0]) }
            # Not -NonInteractive: -Confirm reads its answers from standard input.
            foreach ($a in '-NoProfile', '-Command', "Set-Location '$TestDrive'; Import-Module '$ModulePath'; $Script") { $psi.ArgumentList.Add($a) }
            $psi.UseShellExecute = $false
            $psi.RedirectStandardInput = $true
            $psi.RedirectStandardOutput = $true
            $psi.RedirectStandardError = $true
            $p = [System.Diagnostics.Process]::Start($psi)
            $out = $p.StandardOutput.ReadToEndAsync()
            $err = $p.StandardError.ReadToEndAsync()
            $p.StandardInput.Write($Answers)
            $p.StandardInput.Close()
            if (-not $p.WaitForExit(120000)) { $p.Kill($true); throw "the child PowerShell did not end: $($out.Result) $($err.Result)" }
            [pscustomobject]@{ ExitCode = $p.ExitCode; Out = $out.Result; Err = $err.Result }
        }
    }

    It 'prints each command fully expanded with its slot, and runs nothing' {
        $r = Invoke-Child "'a b', 'c', 'd' | Start-ParallelCommand 'echo {} slot {%} > out-{#}.txt' -ThrottleLimit 2 -OutputDirectory slots -JobLog jobs.log -WhatIf; 'exit ' + `$?"
        $r.Err | Should -BeNullOrEmpty
        # Each value quoted for the shell that would run it: sh's single quotes, cmd.exe's double quotes.
        $r.Out | Should -Match ([regex]::Escape("What if: Command 1 in slot 0: echo $(Cmd "'a b'" '"a b"') slot 1 > out-1.txt"))
        $r.Out | Should -Match ([regex]::Escape("What if: Command 2 in slot 1: echo c slot 2 > out-2.txt"))
        # Which slot the third gets depends on which command ends first: {%} stays as written.
        $r.Out | Should -Match ([regex]::Escape("What if: Command 3 in the first slot free: echo d slot {%} > out-3.txt"))
        $r.Out | Should -Match 'exit True'
        $r.Out | Should -Not -Match 'Succeeded'
        Get-ChildItem $TestDrive -Filter 'out-*' | Should -BeNullOrEmpty
        Test-Path (Join-Path $TestDrive slots) | Should -BeFalse
        Test-Path (Join-Path $TestDrive jobs.log) | Should -BeFalse
    }

    It 'names the host of each slot known from the host list, and connects to none' {
        $r = Invoke-Child "1..4 | Start-ParallelCommand 'echo {}' -HostName '2/no-such-host.invalid', '1/:' -WhatIf -AsJob; 'jobs ' + @(Get-Job).Count"
        $r.Err | Should -BeNullOrEmpty
        $r.Out | Should -Match 'What if: Command 1 in slot 0 on no-such-host\.invalid: echo 1'
        $r.Out | Should -Match 'What if: Command 2 in slot 1 on no-such-host\.invalid: echo 2'
        # Slots are numbered within each host; the third command goes where the run would start it.
        $r.Out | Should -Match ("What if: Command 3 in slot 0 on " + [regex]::Escape([Environment]::MachineName) + ': echo 3')
        $r.Out | Should -Match 'What if: Command 4 in the first slot free: echo 4'
        $r.Out | Should -Match 'jobs 0'
    }

    It '-Confirm asks before each command and runs only those answered yes' {
        $touch = Cmd 'touch {}' 'type nul > {}'
        $r = Invoke-Child "'one', 'two', 'three' | Start-ParallelCommand '$touch' -ThrottleLimit 1 -Confirm | ForEach-Object { 'ran ' + `$_.InputObject }" -Answers "Y`nN`nY`n"
        # The prompt itself: the Windows console host writes it to the console, not to the redirected output (seen under Wine).
        if (-not $IsWindows) { $r.Out | Should -Match ([regex]::Escape("Command 1: $($touch -replace '\{\}', 'one')")) }
        $r.Out | Should -Match 'ran one'
        $r.Out | Should -Match 'ran three'
        $r.Out | Should -Not -Match 'ran two'
        Test-Path (Join-Path $TestDrive one) | Should -BeTrue
        Test-Path (Join-Path $TestDrive two) | Should -BeFalse
        Test-Path (Join-Path $TestDrive three) | Should -BeTrue
    }

    It 'runs everything with -Confirm:$false and with -WhatIf:$false' {
        $r = 'echo a', 'echo b' | Start-ParallelCommand -Confirm:$false -WhatIf:$false
        $r | Should -HaveCount 2
        $r.Status | Should -Be @('Succeeded', 'Succeeded')
    }
}

Describe 'Start-ParallelCommand -Verbose' {
    It 'says where and what each command started, how it ended and after how long, and why it ran again' {
        $r = 'echo ok', 'exit 3' | Start-ParallelCommand -ThrottleLimit 1 -KeepOrder -Retries 1 -Verbose -ErrorAction SilentlyContinue 4>&1
        $verbose = @($r | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose | Should -Contain ($verbose | Where-Object { $_ -match '^Command 1 started in slot 0, process \d+: echo ok$' })
        $verbose -match '^Command 1 Succeeded, exit code 0 in slot 0 after \d+\.\d{3} s$' | Should -HaveCount 1
        $verbose -match '^Command 2 started in slot 0, process \d+: exit 3$' | Should -HaveCount 1
        $verbose -match '^Command 2 started in slot 0, attempt 2 of 2 after: Exited with code 3\., process \d+: exit 3$' | Should -HaveCount 1
        $verbose -match '^Command 2 Failed, exit code 3 in slot 0 after \d+\.\d{3} s \(2 attempts\)\. Exited with code 3\.$' | Should -HaveCount 1
    }

    It 'keeps the same records in the child jobs of -AsJob, for Receive-Job' {
        $job = 'echo ok', 'exit 3' | Start-ParallelCommand -ThrottleLimit 1 -AsJob -Verbose
        $null = $job | Wait-Job -Timeout 60
        $job.ChildJobs[0].Verbose.Count | Should -Be 2
        $verbose = @($job | Receive-Job -Verbose -ErrorAction SilentlyContinue 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose -match '^Command 1 started in slot 0, process \d+: echo ok$' | Should -HaveCount 1
        $verbose -match '^Command 2 Failed, exit code 3 in slot 0 after \d+\.\d{3} s\. Exited with code 3\.$' | Should -HaveCount 1
        $job | Remove-Job -Force
    }

    It 'writes no verbose record without -Verbose' {
        $r = 'echo ok' | Start-ParallelCommand 4>&1
        @($r | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) | Should -HaveCount 0
    }
}

Describe 'Get-QualityDistribution -Verbose' {
    It 'says which files it read, as what and with which offset, and which it skipped' {
        $dir = New-Item -ItemType Directory (Join-Path $TestDrive 'run_v')
        Set-Content (Join-Path $dir 'a.fastq') "@r1`nACGT`n+`nII!!`n@r2`nACGT`n+`nIIII"
        Set-Content (Join-Path $dir 'b.qual') ">r1`n30 31 32"
        Set-Content (Join-Path $dir 'README.txt') 'not reads'
        $out = Get-QualityDistribution $dir -ThrottleLimit 1 -Verbose 4>&1
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose | Should -Contain "$($dir.FullName): 2 quality files to read; 1 other file skipped (not .qual, .fastq, .fq or their .gz)"
        $verbose | Should -Contain "$(Join-Path $dir 'README.txt'): skipped, not a quality file by its name"
        $verbose | Should -Contain "$(Join-Path $dir 'a.fastq'): read as FASTQ, 2 records, Phred+33 (detected)"
        $verbose | Should -Contain "$(Join-Path $dir 'b.qual'): read as .qual, 1 record"
        @($out | Where-Object { $_ -is [ParallelJobs.QualityDistribution] }) | Should -HaveCount 1
    }
}

Describe 'Binding by property name' {
    It 'runs the Command property of objects as command lines' {
        $r = [pscustomobject]@{ Command = 'echo from-object' }, [pscustomobject]@{ Command = 'echo second'; Other = 1 } | Start-ParallelCommand -KeepOrder
        $r.Command | Should -Be @('echo from-object', 'echo second')
        $r.Output | Should -Be @('from-object', 'second')
    }

    It 'runs the failed commands of an earlier run again when given its results' {
        $marker = Join-Path $TestDrive 'second-time'
        $first = 'echo fine', (Cmd "test -e '$marker' || { touch '$marker'; exit 1; }" "if not exist `"$marker`" (type nul> `"$marker`"& exit 1)") | Start-ParallelCommand -ErrorAction SilentlyContinue
        $again = $first | Where-Object Status -eq Failed | Start-ParallelCommand
        $again | Should -HaveCount 1
        $again.Succeeded | Should -BeTrue
    }

    It 'refuses files piped without a template, saying to give one or -FilePath (never runs the path)' {
        $f = New-Item -ItemType File (Join-Path $TestDrive 'x.log') -Force
        $r = Get-Item $f.FullName | Start-ParallelCommand -ErrorVariable errs -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $errs | Should -HaveCount 1
        $errs[0].Exception.Message | Should -BeLike "*'$($f.FullName)' (FileInfo) is not a command line*template*{}*-FilePath*"
    }

    It 'refuses a number or a hashtable as a command line' {
        { 42 | Start-ParallelCommand -ErrorAction Stop } | Should -Throw "*'42' (Int32) is not a command line*"
        { Start-ParallelCommand -Command @{ a = 1 } -ErrorAction Stop } | Should -Throw '*(Hashtable) is not a command line*'
    }

    It 'still takes files with a template, and text lines from Get-Content' {
        $cmds = Join-Path $TestDrive 'cmds.txt'
        Set-Content $cmds 'echo l1', 'echo l2'
        (Get-Content $cmds | Start-ParallelCommand -KeepOrder).Output | Should -Be @('l1', 'l2')
        if ($IsWindows) { (Get-Item $cmds | Start-ParallelCommand 'type {}').Output | Should -Be @('echo l1', 'echo l2') }
        else { (Get-Item $cmds | Start-ParallelCommand 'wc -l < {}').Output.Trim() | Should -Be '2' }
    }

    It 'Get-QualityDistribution reads objects that give FullName, PSPath or Path' {
        $dir = New-Item -ItemType Directory (Join-Path $TestDrive 'run_b')
        Set-Content (Join-Path $dir 'a.qual') ">r1`n30 31 32"
        ([pscustomobject]@{ FullName = $dir.FullName } | Get-QualityDistribution).Name | Should -Be 'run_b'
        ([pscustomobject]@{ PSPath = $dir.PSPath } | Get-QualityDistribution).Name | Should -Be 'run_b'
        ([pscustomobject]@{ Path = $dir.FullName } | Get-QualityDistribution).Name | Should -Be 'run_b'
        (Get-Item $dir | Get-QualityDistribution).Name | Should -Be 'run_b'
        (Get-ChildItem $dir | Get-QualityDistribution).Name | Should -Be 'a.qual'
    }
}

Describe 'Start-ParallelCommand -AsJob with pipeline input' {
    AfterEach {
        Get-Job | Where-Object PSJobTypeName -eq 'ParallelJob' | Remove-Job -Force
    }

    It 'returns the job with the first input, while more input still comes' {
        $seen = [System.Collections.Generic.List[object]]::new()
        # The producer waits for the job to come down the pipeline before it sends its second command.
        & {
            'echo first'
            Wait-Until { $seen.Count -ge 1 } -Seconds 20
            'echo second'
        } | Start-ParallelCommand -AsJob | ForEach-Object { $seen.Add($_) }
        $seen | Should -HaveCount 1
        $job = $seen[0]
        $job | Should -BeOfType ParallelJobs.ParallelJob
        $job.ChildJobs.Count | Should -Be 2
        $results = $job | Receive-Job -Wait
        ($results | Sort-Object Index).Output | Should -Be @('first', 'second')
        $job.State | Should -Be 'Completed'
    }

    It 'ends the job when the input stops with an error' {
        $seen = [System.Collections.Generic.List[object]]::new()
        { & { 'echo one'; throw 'input broke' } | Start-ParallelCommand -AsJob | ForEach-Object { $seen.Add($_) } } | Should -Throw '*input broke*'
        $job = $seen[0]
        $job | Wait-Job -Timeout 30 | Should -Not -BeNullOrEmpty
        ($job | Receive-Job).Output | Should -Be 'one'
    }
}

Describe 'Show-QualityPlot in a terminal' {
    It 'leaves room for the command line and the prompt: the default plot is three lines shorter than the window' {
        if (Skip-OnWindows 'the test sizes a POSIX pseudo-terminal made by script(1)') { return }
        if (-not (Get-Command script -ErrorAction SilentlyContinue)) {
            if ($env:CI -eq 'true') { throw 'script(1) from util-linux is needed for this test' }
            Set-ItResult -Skipped -Because 'script(1) from util-linux is not installed'
            return
        }
        $dir = New-Item -ItemType Directory (Join-Path $TestDrive 'plot_run')
        Set-Content (Join-Path $dir 'a.qual') ">r1`n30 31 32 33 34 35 36 37 38 39`n>r2`n20 21 22 23 24 25 26 27 28 29"
        $child = Join-Path $TestDrive 'plot.ps1'
        Set-Content -Path $child -Value @"
Import-Module '$((Resolve-Path $ModulePath).Path)'
`$PSStyle.OutputRendering = 'PlainText'
`$ProgressPreference = 'SilentlyContinue'
Write-Host 'PLOT-BEGIN'
Get-QualityDistribution '$dir' | Show-QualityPlot
Write-Host 'PLOT-END'
"@
        $exe = [Environment]::ProcessPath
        $pwsh = if ((Split-Path -Leaf $exe) -like 'dotnet*') { "'$exe' '$([Environment]::GetCommandLineArgs()[0])'" } else { "'$exe'" }
        # A terminal of 30 rows and 100 columns (stty sets the pty's size before PowerShell starts in it).
        $psi = [System.Diagnostics.ProcessStartInfo]::new('script')
        foreach ($a in '-qfec', "stty rows 30 cols 100; $pwsh -NoProfile -NonInteractive -File '$child'", '/dev/null') { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.UseShellExecute = $false
        $terminal = [System.Diagnostics.Process]::Start($psi)
        try {
            $text = $terminal.StandardOutput.ReadToEndAsync()
            $terminal.WaitForExit(120000) | Should -BeTrue
        }
        finally {
            if (-not $terminal.HasExited) { $terminal.Kill($true) }
        }
        $shown = $text.Result -replace "`e\[[0-9;?]*[A-Za-z]", ''
        $between = ($shown -split 'PLOT-BEGIN', 2)[1] -split 'PLOT-END', 2
        $lines = @($between[0] -split "`r?`n" | Select-Object -Skip 1 | Select-Object -SkipLast 1)
        $lines | Should -HaveCount 27 -Because "the plot got: $($between[0])"
        ($lines | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 99
    }
}
