#Requires -Version 7.0
# Get-QualityDistribution as a user sees it, on the project's own fixtures (tests/fixtures/quality):
# pipeline forms, -Merge, -ByPosition | Export-Csv, and errors under -ErrorAction / -ErrorVariable.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../ParallelJobs.psd1') -Force
    . $PSScriptRoot/TestSupport.ps1
    $Fixtures = Join-Path $PSScriptRoot '../fixtures/quality'
    $Dirs = Join-Path $Fixtures 'dirs'

    # A copy of the fixture directories in $TestDrive, plus an empty one and a directory of good files only.
    Copy-Item -Path $Dirs -Destination (Join-Path $TestDrive 'data') -Recurse
    $Data = Join-Path $TestDrive 'data'
    New-Item -ItemType Directory -Path (Join-Path $Data 'run_empty') | Out-Null
    $Good = Join-Path $TestDrive 'good'
    New-Item -ItemType Directory -Path $Good | Out-Null
    Copy-Item (Join-Path $Fixtures 'small.qual'), (Join-Path $Fixtures 'small.fastq'), (Join-Path $Fixtures 'crlf.fastq') -Destination $Good
}

Describe 'Get-QualityDistribution' {
    Context '-PerRead' {
        It 'adds per-read metrics only when asked, and they save and merge' {
            $fastq = Join-Path $Fixtures 'small.fastq'
            (Get-QualityDistribution $fastq).Reads | Should -BeNullOrEmpty
            $d = Get-QualityDistribution $fastq -PerRead
            $d.Reads | Should -BeOfType ([ParallelJobs.ReadStatistics])
            ($d.Reads.LengthCounts | Measure-Object Count -Sum).Sum | Should -Be $d.ReadCount
            # Every read but the empty one has a mean quality (FastQC leaves empty reads out too).
            ($d.Reads.MeanQuality | Measure-Object Count -Sum).Sum | Should -Be (($d.Reads.LengthCounts | Where-Object Length -GT 0 | Measure-Object Count -Sum).Sum)
            $d.Reads.ACount + $d.Reads.CCount + $d.Reads.GCount + $d.Reads.TCount + $d.Reads.NCount | Should -Be $d.BaseCount
            $saved = Join-Path $TestDrive 'perread.json'
            $d | Export-QualityDistribution -Path $saved
            $twice = Import-QualityDistribution $saved, $saved | Merge-QualityDistribution
            $twice.Reads.N50 | Should -Be $d.Reads.N50
            ($twice.Reads.LengthCounts | Measure-Object Count -Sum).Sum | Should -Be (2 * $d.ReadCount)
        }
    }

    Context 'read pairs' {
        It 'fails a pair whose mates disagree, naming both files, and keeps the other inputs' {
            $dir = Join-Path $TestDrive 'pairs'
            New-Item -ItemType Directory -Path $dir | Out-Null
            "@a/1`nACGT`n+`nIIII`n@b/1`nACGT`n+`nIIII`n" | Set-Content (Join-Path $dir 's_R1.fastq') -NoNewline
            "@a/2`nACGT`n+`nIIII`n" | Set-Content (Join-Path $dir 's_R2.fastq') -NoNewline
            $results = @(Get-QualityDistribution $dir, (Join-Path $Fixtures 'small.fastq') -Paired -ErrorVariable errors -ErrorAction SilentlyContinue)
            # small.fastq, an input of its own without a mate, is refused by -Paired and gives no result.
            $results | Should -HaveCount 1
            $results[0].ReadCount | Should -Be 0
            $results[0].FailedFileCount | Should -Be 2
            $errors | Should -HaveCount 2
            ($errors.Exception.Message | Where-Object { $_ -like '*s_R1.fastq*s_R2.fastq*line*' }) | Should -HaveCount 1
            ($errors.Exception.Message | Where-Object { $_ -like '*small.fastq*no mate*' }) | Should -HaveCount 1
        }
    }

    Context 'pipeline forms' {
        It 'takes directories from Get-ChildItem -Directory, one result each' {
            $results = Get-ChildItem $Data -Directory | Where-Object Name -In 'run_a', 'run_b' | Get-QualityDistribution -ErrorAction SilentlyContinue
            $results | Should -HaveCount 2
            $results | ForEach-Object { $_ | Should -BeOfType ([ParallelJobs.QualityDistribution]) }
            $a = $results | Where-Object Name -EQ 'run_a'
            $a.FileCount | Should -Be 2
            $a.ReadCount | Should -Be 3
            $a.BaseCount | Should -Be 11
            $a.MaxLength | Should -Be 5
            $a.PhredOffset | Should -Be 33
            $a.ProcessId | Should -Be $PID
            $a.Positions[0].Count | Should -Be 3
        }

        It 'takes files from Get-ChildItem and paths as strings from the pipeline' {
            $byFile = Get-ChildItem $Good -File | Get-QualityDistribution
            $byFile | Should -HaveCount 3
            ($byFile.Name | Sort-Object) | Should -Be @('crlf.fastq', 'small.fastq', 'small.qual')
            $byString = $Good | Get-QualityDistribution
            $byString.Name | Should -Be 'good'
            $byString.ReadCount | Should -Be (($byFile | Measure-Object ReadCount -Sum).Sum)
        }

        It 'expands wildcards in -Path and takes -LiteralPath literally' {
            (Get-QualityDistribution -Path (Join-Path $Data 'run_[a]')).Name | Should -Be 'run_a'
            { Get-QualityDistribution -LiteralPath (Join-Path $Data 'run_[a]') -ErrorAction Stop } |
                Should -Throw -ErrorId 'PathNotFound,ParallelJobs.Commands.GetQualityDistributionCommand'
        }

        It '-Recurse reads subdirectories' {
            (Get-QualityDistribution $TestDrive -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
            $all = Get-QualityDistribution $TestDrive -Recurse -ErrorAction SilentlyContinue
            $all.FileCount | Should -Be 7
        }

        It 'gives the same numbers with one and eight workers' {
            $one = Get-QualityDistribution $Good -ThrottleLimit 1
            $eight = Get-QualityDistribution $Good -ThrottleLimit 8
            ($eight.Positions | ConvertTo-Json -Compress) | Should -Be ($one.Positions | ConvertTo-Json -Compress)
            $eight.MeanQuality | Should -Be $one.MeanQuality
            $one.Slots | Should -Be @(0)
        }

        It 'shares one large FASTQ between the workers and gives the numbers of one worker' {
            # 40 MB: large enough to be cut into byte ranges (32 MB and up), two per worker.
            $big = Join-Path $TestDrive 'big.fastq'
            . (Join-Path $PSScriptRoot 'TestSupport.ps1'); Import-TestSupport
            [ParallelJobs.TestSupport.QualDataSetGenerator]::WriteFastq($big, 7, 130000, 150)
            (Get-Item $big).Length | Should -BeGreaterThan 32MB
            $one = Get-QualityDistribution -LiteralPath $big -ThrottleLimit 1
            $two = Get-QualityDistribution -LiteralPath $big -ThrottleLimit 2
            $two.ReadCount | Should -Be 130000
            $two.FileCount | Should -Be 1
            $two.BaseCount | Should -Be $one.BaseCount
            $two.MeanQuality | Should -Be $one.MeanQuality
            ($two.Positions | ConvertTo-Json -Compress) | Should -Be ($one.Positions | ConvertTo-Json -Compress)
        }
    }

    Context 'formats' {
        It 'recognises gzip by content, under a .gz name or not' {
            $plain = Get-QualityDistribution (Join-Path $Fixtures 'small.fastq')
            foreach ($name in 'packed.fastq.gz', 'packed-but-named.fastq') {
                $target = Join-Path $TestDrive $name
                $out = [IO.File]::Create($target)
                $gzip = [IO.Compression.GZipStream]::new($out, [IO.Compression.CompressionMode]::Compress)
                $bytes = [IO.File]::ReadAllBytes((Join-Path $Fixtures 'small.fastq'))
                $gzip.Write($bytes, 0, $bytes.Length)
                $gzip.Dispose(); $out.Dispose()
                $packed = Get-QualityDistribution -LiteralPath $target
                $packed.ReadCount | Should -Be $plain.ReadCount
                $packed.MeanQuality | Should -Be $plain.MeanQuality
            }
        }
    }

    Context '-Merge and -ByPosition' {
        It '-Merge returns one result for everything' {
            $merged = Get-ChildItem $Data -Directory | Where-Object Name -In 'run_a', 'run_b' | Get-QualityDistribution -Merge -ErrorAction SilentlyContinue
            $merged | Should -HaveCount 1
            $merged.Name | Should -Be 'Merged'
            $merged.FileCount | Should -Be 4
            $merged.FailedFileCount | Should -Be 1
            $merged.ReadCount | Should -Be 4
        }

        It '-ByPosition rows export to CSV with their Name' {
            $csv = Join-Path $TestDrive 'positions.csv'
            Get-QualityDistribution (Join-Path $Data 'run_a'), $Good -ByPosition | Export-Csv -Path $csv -NoTypeInformation
            $rows = Import-Csv $csv
            ($rows | Where-Object Name -EQ 'run_a') | Should -HaveCount 5
            ($rows | Where-Object Name -EQ 'good').Count | Should -BeGreaterThan 0
            $first = $rows | Where-Object { $_.Name -eq 'run_a' -and $_.Position -eq '1' }
            $first.Count | Should -Be 3
            # Scores 20, 30, 30: FastQC's median target is 3*50/100 truncated, 1, so the lowest score.
            $first.Median | Should -Be 20
            $first.UpperQuartile | Should -Be 30
            $first.Minimum | Should -Be 20
            $rows[0].PSObject.Properties.Name | Should -Contain 'Percentile90'
        }

        It '-ByPosition emits PositionQuality objects' {
            $rows = Get-QualityDistribution (Join-Path $Data 'run_a') -ByPosition
            $rows[0] | Should -BeOfType ([ParallelJobs.PositionQuality])
            $rows.Position | Should -Be @(1, 2, 3, 4, 5)
        }
    }

    Context 'errors' {
        It 'reports a bad file with file and line, and still counts the others' {
            $result = Get-QualityDistribution (Join-Path $Data 'run_b') -ErrorVariable errs -ErrorAction SilentlyContinue
            $result.ReadCount | Should -Be 1
            $result.FailedFileCount | Should -Be 1
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -Be 'InvalidQualityFile,ParallelJobs.Commands.GetQualityDistributionCommand'
            $errs[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $errs[0].TargetObject | Should -BeLike '*b2_bad.fastq'
            $errs[0].Exception.Message | Should -BeLike '*b2_bad.fastq, line 5:*'
        }

        It 'names a truncated .gz in its error, warns about bytes after the last member, and still returns the other inputs' {
            $bytes = [IO.File]::ReadAllBytes((Join-Path $Fixtures 'small.fastq'))
            $packed = [IO.MemoryStream]::new()
            $gzip = [IO.Compression.GZipStream]::new($packed, [IO.Compression.CompressionMode]::Compress, $true)
            $gzip.Write($bytes, 0, $bytes.Length)
            $gzip.Dispose()
            $whole = $packed.ToArray()
            # Without its 8-byte trailer the deflate data is complete and ends on a record boundary: it looks valid.
            $cut = Join-Path $TestDrive 'cut.fastq.gz'
            [IO.File]::WriteAllBytes($cut, $whole[0..($whole.Length - 9)])
            $tail = Join-Path $TestDrive 'tail.fastq.gz'
            [IO.File]::WriteAllBytes($tail, $whole + [byte[]][char[]]'junk')

            $results = Get-QualityDistribution $cut, $tail, $Good -ErrorVariable errs -WarningVariable warns -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            ($results | Where-Object Name -EQ 'tail.fastq.gz').ReadCount | Should -Be 3
            ($results | Where-Object Name -EQ 'good').FileCount | Should -Be 3
            ($results | Where-Object Name -EQ 'cut.fastq.gz').ReadCount | Should -Not -BeGreaterThan 0
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -Be 'InvalidQualityFile,ParallelJobs.Commands.GetQualityDistributionCommand'
            $errs[0].TargetObject | Should -Be $cut
            $errs[0].Exception.Message | Should -BeLike "$cut`: gzip data ends early (truncated?) at compressed byte $($whole.Length - 8)*"
            $errs[0].Exception.Message | Should -Not -BeLike '*good records*'
            $warns | Should -HaveCount 1
            $warns[0].Message | Should -BeLike "$tail`: 4 bytes after the last gzip member*"
        }

        It 'stops at the first bad file with -ErrorAction Stop' {
            { Get-QualityDistribution (Join-Path $Data 'run_b') -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidQualityFile,ParallelJobs.Commands.GetQualityDistributionCommand'
        }

        It 'reports a missing path as PathNotFound and goes on' {
            $result = Get-QualityDistribution (Join-Path $TestDrive 'missing'), $Good -ErrorVariable errs -ErrorAction SilentlyContinue
            $result.Name | Should -Be 'good'
            $errs[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,ParallelJobs.Commands.GetQualityDistributionCommand'
            $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'reports a directory without quality files as NoQualityFiles, with no result' {
            $result = Get-QualityDistribution (Join-Path $Data 'run_empty') -ErrorVariable errs -ErrorAction SilentlyContinue
            $result | Should -BeNullOrEmpty
            $errs[0].FullyQualifiedErrorId | Should -Be 'NoQualityFiles,ParallelJobs.Commands.GetQualityDistributionCommand'
        }

        It 'rejects Solexa-scaled FASTQ with a clear message' {
            $null = Get-QualityDistribution (Join-Path $Fixtures 'solexa.fastq') -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].Exception.Message | Should -BeLike '*Solexa*'
        }

        It 'treats an empty file as valid with zero reads' {
            $result = Get-QualityDistribution (Join-Path $Fixtures 'empty.fastq') -ErrorVariable errs
            $errs | Should -BeNullOrEmpty
            $result.ReadCount | Should -Be 0
        }

        It 'validates -ThrottleLimit and -PhredOffset' {
            { Get-QualityDistribution $Good -ThrottleLimit 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ParallelJobs.Commands.GetQualityDistributionCommand'
            { Get-QualityDistribution $Good -PhredOffset 50 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ParallelJobs.Commands.GetQualityDistributionCommand'
            (Get-QualityDistribution (Join-Path $Fixtures 'illumina64.fastq') -PhredOffset 33).PhredOffset | Should -Be 33
            (Get-QualityDistribution (Join-Path $Fixtures 'illumina64.fastq')).PhredOffset | Should -Be 64
        }
    }

    Context '-Recurse walks as Get-ChildItem -Recurse' {
        It 'does not follow a link loop or a link to a sibling, says so, and counts each file once' {
            if (Skip-OnWindows 'making symbolic links on Windows needs a privilege (or developer mode), and the test is about POSIX link loops') { return }
            $top = Join-Path $TestDrive 'links'
            New-Item -ItemType Directory -Path (Join-Path $top 'real/sub') | Out-Null
            Copy-Item (Join-Path $Fixtures 'small.qual') (Join-Path $top 'real/x.qual')
            Copy-Item (Join-Path $Fixtures 'small.qual') (Join-Path $top 'real/sub/y.qual')
            $links = (Join-Path $top 'linkdir'), (Join-Path $top 'real/sub/loop')
            New-Item -ItemType SymbolicLink -Path $links[0] -Target (Join-Path $top 'real') | Out-Null
            New-Item -ItemType SymbolicLink -Path $links[1] -Target $top | Out-Null
            try {
                $result = Get-QualityDistribution $top -Recurse -WarningVariable warns -WarningAction SilentlyContinue -ErrorVariable errs
                $errs | Should -BeNullOrEmpty
                $result.FileCount | Should -Be 2
                $result.ReadCount | Should -Be 6
                $warns | Should -HaveCount 2
                ($warns | Where-Object { $_.Message -like "$($links[1]):*loop*" }) | Should -HaveCount 1
                ($warns | Where-Object { $_.Message -like "$($links[0]):*read there*" }) | Should -HaveCount 1

                # The link itself, given as the path, is read (the loop inside it is not followed either).
                $viaLink = Get-QualityDistribution $links[0] -Recurse -WarningVariable linkWarns -WarningAction SilentlyContinue
                $viaLink.FileCount | Should -Be 2
                $linkWarns | Should -HaveCount 1
            }
            finally {
                # Pester's TestDrive clean-up lists the drive following links (the walk this test is about), so
                # the loop must be gone before it runs.
                $links | ForEach-Object { [IO.File]::Delete($_) }
            }
        }

        It 'reports an unreadable subdirectory as permission denied and still counts the other files' {
            if (Skip-OnWindows 'the test takes read permission away with chmod (POSIX modes) and setpriv; Windows uses ACLs') { return }
            $top = Join-Path $TestDrive 'perm'
            $locked = Join-Path $top 'locked'
            New-Item -ItemType Directory -Path $locked, (Join-Path $top 'ok') | Out-Null
            Copy-Item (Join-Path $Fixtures 'small.qual') (Join-Path $top 'a.qual')
            Copy-Item (Join-Path $Fixtures 'small.qual') (Join-Path $top 'ok/c.qual')
            Copy-Item (Join-Path $Fixtures 'small.qual') (Join-Path $locked 'b.qual')
            & chmod 000 $locked
            try {
                # Root ignores permissions; a child pwsh that is still root but without CAP_DAC_OVERRIDE and
                # CAP_DAC_READ_SEARCH does not, so the check runs there when this process is root.
                $enforced = $null -eq (Get-ChildItem $locked -ErrorAction SilentlyContinue -ErrorVariable listing) -and $listing.Count -gt 0
                $prefix = @()
                if (-not $enforced) {
                    $dropped = $false
                    if (Get-Command setpriv -ErrorAction SilentlyContinue) {
                        $null = & setpriv --bounding-set '-dac_override,-dac_read_search' -- true 2>&1
                        $dropped = $LASTEXITCODE -eq 0
                    }
                    if (-not $dropped) {
                        $why = 'this process ignores file permissions (root) and setpriv cannot start one that does not'
                        if ($env:CI -eq 'true') { throw "$why (CI=true: this test may not skip)" }
                        Set-ItResult -Skipped -Because $why
                        return
                    }
                    $prefix = @('setpriv', '--bounding-set', '-dac_override,-dac_read_search', '--')
                }
                $self = (Get-Process -Id $PID).Path
                $pwsh = if ([IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { @($self, (Join-Path $PSHOME 'pwsh.dll')) } else { @($self) }
                $module = Join-Path $PSScriptRoot '../../ParallelJobs.psd1'
                $script = @"
Import-Module '$module'
`$r = Get-QualityDistribution -LiteralPath '$top' -Recurse -ErrorVariable e -ErrorAction SilentlyContinue
`$null = Get-QualityDistribution -Path '$locked/b.qual' -ErrorVariable f -ErrorAction SilentlyContinue
[pscustomobject]@{
    Files = `$r.FileCount; Reads = `$r.ReadCount
    Errors = @(`$e + `$f | ForEach-Object { `$_.FullyQualifiedErrorId + '|' + `$_.CategoryInfo.Category + '|' + `$_.TargetObject + '|' + `$_.Exception.Message })
} | ConvertTo-Json -Compress
"@
                $all = @($prefix + $pwsh)
                $output = & $all[0] @($all | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script 2>&1
                $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
                $seen = ($output | Select-Object -Last 1) | ConvertFrom-Json
                $seen.Files | Should -Be 2
                $seen.Reads | Should -Be 6
                $seen.Errors | Should -HaveCount 2
                $seen.Errors[0] | Should -BeLike "QualityDirectoryUnreadable,*|PermissionDenied|$locked|$locked*permission denied*"
                $seen.Errors[1] | Should -BeLike "QualityPathUnreadable,*|PermissionDenied|*permission denied*$locked*"
            }
            finally {
                & chmod 755 $locked
            }
        }
    }

    Context 'Ctrl+C' {
        It 'returns even while a worker is stuck in a read (a FIFO with no writer)' {
            if (Skip-OnWindows 'a FIFO made by mkfifo is POSIX''s (Windows named pipes are not files in a directory)') { return }
            $dir = Join-Path $TestDrive 'stuck'
            New-Item -ItemType Directory -Path $dir | Out-Null
            $fifo = Join-Path $dir 'stuck.fastq'
            & mkfifo $fifo
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$(Join-Path $PSScriptRoot '../../ParallelJobs.psd1')'; Get-QualityDistribution -LiteralPath '$dir'")
                $async = $ps.BeginInvoke()
                $null = $async.AsyncWaitHandle.WaitOne(300)   # give the worker time to block in open(); no event marks it
                $ps.Stop()                                     # what Ctrl+C does; must not wait for the stuck read
                $async.IsCompleted | Should -BeTrue
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            }
            finally {
                # Release the stuck worker: opening the FIFO read-write never blocks (even if the worker never
                # got to open it) and gives a stuck open() its writer; closing it gives the read end of file.
                $writer = [System.IO.File]::Open($fifo, 'Open', 'ReadWrite', 'ReadWrite')
                $writer.Dispose()
                $ps.Dispose()
            }
        }
    }

    Context 'help' {
        It 'has help with the per-directory distribution scenario among its examples' {
            $help = Get-Help Get-QualityDistribution -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            ($help.examples.example.code -join "`n") | Should -BeLike '*t[1-6]*'
        }
    }
}
