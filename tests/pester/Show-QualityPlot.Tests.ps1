#Requires -Version 7.0
# Show-QualityPlot as a user sees it: a plot of strings on the output stream, the name [min, max] title, sizes,
# colour only where it can be shown, overlay with a legend.

BeforeDiscovery {
    # -Skip is decided at discovery, before BeforeAll: import here to know whether the real input cmdlet exists yet.
    Import-Module (Join-Path $PSScriptRoot '../../ParallelJobs.psd1') -Force
    $HasGetQualityDistribution = [bool](Get-Command Get-QualityDistribution -Module ParallelJobs -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../ParallelJobs.psd1') -Force

    # The result types have no public setters: hand-made distributions come from the test-support assembly.
    . (Join-Path $PSScriptRoot 'TestSupport.ps1'); Import-TestSupport
    function New-TestDistribution([string] $Name, [double[]] $Means, [int] $BinWidth = 1) {
        [ParallelJobs.TestSupport.QualitySamples]::FromMeans($Name, $Means, $BinWidth, 100)
    }

    function Get-Falling([int] $Length) { 0..($Length - 1) | ForEach-Object { 36 - 24 * $_ / ($Length - 1) } }

    $script:Esc = [char]27
    $script:SavedRendering = if ($PSStyle) { $PSStyle.OutputRendering } else { $null }
}

Describe 'Show-QualityPlot' {
    AfterEach {
        if ($PSStyle) { $PSStyle.OutputRendering = $script:SavedRendering }
    }

    It 'writes the plot as strings, one per line, exactly -Height lines no wider than -Width' {
        $lines = New-TestDistribution t1 (Get-Falling 150) | Show-QualityPlot -Width 70 -Height 20
        $lines | Should -HaveCount 20
        $lines | ForEach-Object { $_ | Should -BeOfType ([string]); $_.Length | Should -BeLessOrEqual 70 }
    }

    It 'titles the plot name [min, max] of the plotted means, truncated' {
        $lines = New-TestDistribution t1 @(35.99, 33, 30.5, 27.9) | Show-QualityPlot -Width 80 -Height 24
        $lines[0].Trim() | Should -BeExactly 't1 [27, 35]'
    }

    It 'labels the axes Position and Quality and draws ticks' {
        $lines = New-TestDistribution t1 (Get-Falling 60) | Show-QualityPlot -Width 80 -Height 24
        $lines | Should -Contain 'Quality'
        ($lines | Where-Object { $_.Trim() -eq 'Position' }) | Should -HaveCount 1
        ($lines | Where-Object { $_ -match '^\s*40 \+' }) | Should -HaveCount 1
        ($lines | Where-Object { $_ -match '^\s+\S*\+-+\+' }) | Should -HaveCount 1
        ($lines | Where-Object { $_ -match '^\s+\d.*\b60\b' }) | Should -HaveCount 1
    }

    It 'falls back to 80x24 when its output is captured rather than shown' {
        $lines = New-TestDistribution t1 (Get-Falling 100) | Show-QualityPlot
        $lines | Should -HaveCount 24
        ($lines | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 80
    }

    It 'draws one plot per distribution, separated by an empty line' {
        $lines = (New-TestDistribution t1 (Get-Falling 50)), (New-TestDistribution t2 (Get-Falling 60)) |
            Show-QualityPlot -Width 60 -Height 15
        $lines | Should -HaveCount 31
        $lines[15] | Should -BeExactly ''
        $lines[0].Trim() | Should -Match '^t1 \['
        $lines[16].Trim() | Should -Match '^t2 \['
    }

    It 'overlays several distributions with distinct markers and a legend' {
        $a = New-TestDistribution t1 (@(35) * 40)
        $b = New-TestDistribution t2 (@(15) * 40)
        $lines = $a, $b | Show-QualityPlot -Overlay -Width 80 -Height 24
        $lines | Should -HaveCount 24
        $lines[-1] | Should -BeExactly '* t1 [35, 35]   o t2 [15, 15]'
        ($lines[2..18] -join "`n") | Should -Match '\*'
        ($lines[2..18] -join "`n") | Should -Match 'o'
    }

    It 'groups the positions of long reads into bins and says so on the axis' {
        $nanopore = New-TestDistribution nanopore (Get-Falling 2000) -BinWidth 1000
        $lines = $nanopore | Show-QualityPlot -Width 80 -Height 24
        ($lines | Where-Object { $_.Trim() -eq 'Position (bins of 50,000 bp)' }) | Should -HaveCount 1
    }

    It 'can be redirected to a file and read there, without escape sequences' {
        $file = Join-Path $TestDrive 'plot.txt'
        if ($PSStyle) { $PSStyle.OutputRendering = 'Host' }
        New-TestDistribution t1 (Get-Falling 50) | Show-QualityPlot -Width 72 -Height 22 > $file
        $text = Get-Content $file
        $text | Should -HaveCount 22
        $text[0].Trim() | Should -BeExactly 't1 [12, 36]'
        (Get-Content $file -Raw) | Should -Not -Match $script:Esc
    }

    It 'colours the bands when $PSStyle.OutputRendering is Ansi' -Skip:(-not $PSStyle) {
        $PSStyle.OutputRendering = 'Ansi'
        $text = (New-TestDistribution t1 (Get-Falling 100) | Show-QualityPlot -Width 80 -Height 24) -join "`n"
        $text | Should -Match "$($script:Esc)\[31m"
        $text | Should -Match "$($script:Esc)\[33m"
        $text | Should -Match "$($script:Esc)\[32m"
    }

    It 'stays plain when $PSStyle.OutputRendering is PlainText' -Skip:(-not $PSStyle) {
        $PSStyle.OutputRendering = 'PlainText'
        $text = (New-TestDistribution t1 (Get-Falling 100) | Show-QualityPlot -Width 80 -Height 24) -join "`n"
        $text | Should -Not -Match $script:Esc
    }

    It 'stays plain with Host rendering when the output is not going to the host' -Skip:(-not $PSStyle) {
        $PSStyle.OutputRendering = 'Host'
        $text = (New-TestDistribution t1 (Get-Falling 100) | Show-QualityPlot -Width 80 -Height 24) -join "`n"
        $text | Should -Not -Match $script:Esc
    }

    It 'rejects sizes too small to draw with a validation error' {
        { New-TestDistribution t1 @(30) | Show-QualityPlot -Width 10 } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,ParallelJobs.Commands.ShowQualityPlotCommand'
        { New-TestDistribution t1 @(30) | Show-QualityPlot -Height 3 } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,ParallelJobs.Commands.ShowQualityPlotCommand'
    }

    It 'says so when the legend of an overlay leaves no room for the plot' {
        $many = 1..12 | ForEach-Object { New-TestDistribution "a-rather-long-directory-name-$_" @(30, 31) }
        { $many | Show-QualityPlot -Overlay -Width 40 -Height 10 } |
            Should -Throw -ErrorId 'QualityPlotTooSmall,ParallelJobs.Commands.ShowQualityPlotCommand'
    }

    It 'plots what Get-QualityDistribution computes from the fixture directories' -Skip:(-not $HasGetQualityDistribution) {
        $dirs = Get-ChildItem (Join-Path $PSScriptRoot '../fixtures/quality/dirs') -Directory
        $lines = $dirs | Get-QualityDistribution -ErrorAction SilentlyContinue | Show-QualityPlot -Width 60 -Height 14
        ($lines | Where-Object { $_ -match '^\s*run_a \[\d+, \d+\]$' }) | Should -HaveCount 1
        ($lines | Where-Object { $_ -match '^\s*run_b \[\d+, \d+\]$' }) | Should -HaveCount 1
    }

    Context '-Kind: the per-read quality histogram and the read lengths' {
        BeforeAll {
            # 90 reads: every third of 100 bases, the others of 150; even reads all 'I' (quality 40), odd all '5' (quality 20).
            $script:ReadsFile = Join-Path $TestDrive 'reads.fastq'
            $records = foreach ($r in 0..89) {
                $length = if ($r % 3 -eq 0) { 100 } else { 150 }
                "@r$r"; 'ACGTN' * ($length / 5); '+'; [string]$(if ($r % 2 -eq 0) { 'I' } else { '5' }) * $length
            }
            Set-Content -Path $script:ReadsFile -Value $records
        }

        It 'draws reads per mean quality as bars, with the quality axis and the counts' {
            $lines = Get-QualityDistribution $script:ReadsFile -PerRead | Show-QualityPlot -Kind PerReadQuality -Width 60 -Height 16
            $lines | Should -HaveCount 16
            $lines[0].Trim() | Should -BeExactly 'reads.fastq: quality per read'
            # 45 reads at each of qualities 20 and 40: two bars of equal height, up to the tick above 40 on the axis.
            $atForty = $lines | Where-Object { $_ -match '^\s*40 \+' }
            $atForty | Should -HaveCount 1
            ([regex]::Matches($atForty, '#+')).Count | Should -Be 2
            $lines[2] | Should -Match '^\s*50 \+$'
            $lines[14] | Should -Match '\b20\b.*\b40\b'
            $lines[15] | Should -Match 'Mean quality of the read'
        }

        It 'draws the read lengths as bars' {
            $lines = Get-QualityDistribution $script:ReadsFile -PerRead | Show-QualityPlot -Kind Length -Width 70 -Height 14
            $lines | Should -HaveCount 14
            $lines[0].Trim() | Should -BeExactly 'reads.fastq: read lengths'
            $lines | Where-Object { $_ -match '^\s*60 \+' } | Should -HaveCount 1   # 60 reads of 150 bases
            $lines[-1] | Should -Match 'Read length \(bp\)'
        }

        It 'names the distribution counted without -PerRead, and still plots the others' {
            $plain = Get-QualityDistribution $script:ReadsFile
            $full = Get-QualityDistribution $script:ReadsFile -PerRead
            $lines = $plain, $full | Show-QualityPlot -Kind Length -Width 60 -Height 12 -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed | Should -HaveCount 1
            $failed[0].FullyQualifiedErrorId | Should -BeExactly 'QualityDistributionWithoutPerRead,ParallelJobs.Commands.ShowQualityPlotCommand'
            $failed[0].Exception.Message | Should -Match "'reads\.fastq' has no per-read metrics.*Get-QualityDistribution -PerRead"
            $lines | Should -HaveCount 12
        }

        It 'refuses -Overlay with a per-read kind, saying why' {
            { Get-QualityDistribution $script:ReadsFile -PerRead | Show-QualityPlot -Kind Length -Overlay } |
                Should -Throw -ErrorId 'OverlayNeedsPerBase,ParallelJobs.Commands.ShowQualityPlotCommand'
        }
    }
}
