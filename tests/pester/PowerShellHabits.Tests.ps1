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
        $script:results = 'printf "a\nb\n"; echo oops >&2', 'echo c' | Start-ParallelCommand -KeepOrder -ThrottleLimit 2
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
        $back[0].Command | Should -Be 'printf "a\nb\n"; echo oops >&2'
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
        $r = Start-ParallelCommand 'seq 1 5000' -OutputDirectory $dir
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
