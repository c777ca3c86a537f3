#Requires -Version 7.0
# Export-QualityPlot as a user sees it: SVG and HTML files from the pipeline, -WhatIf, -Force, -PassThru,
# and clear errors instead of overwritten files.

BeforeDiscovery {
    # -Skip is decided at discovery, before BeforeAll: import here to know whether the real input cmdlet exists yet.
    Import-Module (Join-Path $PSScriptRoot '../../ParallelJobs.psd1') -Force
    $HasGetQualityDistribution = [bool](Get-Command Get-QualityDistribution -Module ParallelJobs -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../ParallelJobs.psd1') -Force

    # The result types have no public setters: hand-made distributions come from the test-support assembly.
    . (Join-Path $PSScriptRoot 'TestSupport.ps1'); Import-TestSupport
    function New-TestDistribution([string] $Name, [int] $Length = 60, [int] $BinWidth = 1) {
        [ParallelJobs.TestSupport.QualitySamples]::Falling($Name, $Length, $BinWidth)
    }
}

Describe 'Export-QualityPlot' {
    It 'writes an SVG box plot with bands, axes and the name [min, max] title' {
        $path = Join-Path $TestDrive 'one.svg'
        New-TestDistribution t1 | Export-QualityPlot -Path $path
        [xml] $svg = Get-Content $path -Raw
        $svg.DocumentElement.LocalName | Should -Be 'svg'
        $svg.DocumentElement.title | Should -BeExactly 't1 [12, 36]'
        $text = Get-Content $path -Raw
        $text | Should -Match '#f0a8a8'
        $text | Should -Match '#f6cf8f'
        $text | Should -Match '#a9dba9'
        $text | Should -Match '>Position<'
        $text | Should -Match '>Quality<'
    }

    It 'returns the file with -PassThru and nothing without it' {
        $path = Join-Path $TestDrive 'passthru.svg'
        $result = New-TestDistribution t1 | Export-QualityPlot -Path $path -PassThru
        $result | Should -BeOfType ([System.IO.FileInfo])
        $result.FullName | Should -Be $path
        New-TestDistribution t1 | Export-QualityPlot -Path (Join-Path $TestDrive 'quiet.svg') | Should -BeNullOrEmpty
    }

    It 'writes one self-contained HTML page with one plot per distribution from the pipeline' {
        $path = Join-Path $TestDrive 'report.html'
        (New-TestDistribution t1), (New-TestDistribution t2), (New-TestDistribution t3) | Export-QualityPlot $path
        $html = Get-Content $path -Raw
        $html | Should -Match '^<!DOCTYPE html>'
        ([regex]::Matches($html, '<svg ')).Count | Should -Be 3
        $html | Should -Not -Match '<script'
        $html | Should -Not -Match ' (src|href)='
        foreach ($n in 't1', 't2', 't3') { $html | Should -Match "<h2>$n</h2>" }
    }

    It 'escapes names in SVG and HTML' {
        $name = '<b>x</b> & "y"'
        $svgPath = Join-Path $TestDrive 'escaped.svg'
        $htmlPath = Join-Path $TestDrive 'escaped.html'
        New-TestDistribution $name | Export-QualityPlot $svgPath
        New-TestDistribution $name | Export-QualityPlot $htmlPath
        ([xml](Get-Content $svgPath -Raw)).DocumentElement.title | Should -BeLike '<b>x</b> & "y" `[*'
        (Get-Content $htmlPath -Raw) | Should -Match '<h2>&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;</h2>'
        (Get-Content $htmlPath -Raw) | Should -Not -Match '<b>x'
    }

    It 'labels bins of long reads on the axis' {
        $path = Join-Path $TestDrive 'nanopore.svg'
        New-TestDistribution nanopore -Length 2000 -BinWidth 1000 | Export-QualityPlot $path
        (Get-Content $path -Raw) | Should -Match '>Position \(bins of [\d,]+ bp\)<'
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.svg'
        New-TestDistribution t1 | Export-QualityPlot $path -WhatIf
        Test-Path $path | Should -BeFalse
    }

    It 'refuses to overwrite an existing file without -Force, and leaves it alone' {
        $path = Join-Path $TestDrive 'exists.svg'
        Set-Content -Path $path -Value 'keep me'
        { New-TestDistribution t1 | Export-QualityPlot $path } |
            Should -Throw -ErrorId 'PlotFileExists,ParallelJobs.Commands.ExportQualityPlotCommand'
        Get-Content $path | Should -BeExactly 'keep me'
        $err = $null
        try { New-TestDistribution t1 | Export-QualityPlot $path } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        $err.TargetObject | Should -Be $path
        $err.Exception.Message | Should -Match '-Force'
    }

    It 'overwrites with -Force' {
        $path = Join-Path $TestDrive 'forced.svg'
        Set-Content -Path $path -Value 'old'
        New-TestDistribution t1 | Export-QualityPlot $path -Force
        (Get-Content $path -Raw) | Should -Match '<svg '
    }

    It 'resolves relative and drive-qualified paths through PowerShell, not the process directory' {
        Push-Location $TestDrive
        try {
            New-TestDistribution t1 | Export-QualityPlot 'relative.svg'
            New-TestDistribution t1 | Export-QualityPlot 'TestDrive:/drive.html'
        }
        finally { Pop-Location }
        Test-Path (Join-Path $TestDrive 'relative.svg') | Should -BeTrue
        Test-Path (Join-Path $TestDrive 'drive.html') | Should -BeTrue
    }

    It 'rejects file types it cannot write' {
        { New-TestDistribution t1 | Export-QualityPlot (Join-Path $TestDrive 'plot.png') } |
            Should -Throw -ErrorId 'UnsupportedPlotFileType,ParallelJobs.Commands.ExportQualityPlotCommand'
        Test-Path (Join-Path $TestDrive 'plot.png') | Should -BeFalse
    }

    It 'refuses paths on providers other than the file system' {
        { New-TestDistribution t1 | Export-QualityPlot 'Variable:/plot.svg' } |
            Should -Throw -ErrorId 'PlotPathNotFileSystem,ParallelJobs.Commands.ExportQualityPlotCommand'
    }

    It 'says when the directory does not exist' {
        { New-TestDistribution t1 | Export-QualityPlot (Join-Path $TestDrive 'no/such/dir/plot.svg') } |
            Should -Throw -ErrorId 'PlotDirectoryNotFound,ParallelJobs.Commands.ExportQualityPlotCommand'
    }

    It 'warns and writes nothing when no distribution arrives' {
        $path = Join-Path $TestDrive 'empty.svg'
        @() | Export-QualityPlot -Path $path -WarningVariable warnings -WarningAction SilentlyContinue
        Test-Path $path | Should -BeFalse
        $warnings | Should -HaveCount 1
    }

    It 'exports what Get-QualityDistribution computes from the fixture directories' -Skip:(-not $HasGetQualityDistribution) {
        $path = Join-Path $TestDrive 'fixtures.html'
        Get-ChildItem (Join-Path $PSScriptRoot '../fixtures/quality/dirs') -Directory |
            Get-QualityDistribution -ErrorAction SilentlyContinue | Export-QualityPlot $path
        $html = Get-Content $path -Raw
        ([regex]::Matches($html, '<svg ')).Count | Should -Be 2
        $html | Should -Match '<h2>run_a</h2>'
    }

    Context 'per-read plots and the report page' {
        BeforeAll {
            # 90 reads: every third of 100 bases, the others of 150; even reads all 'I' (quality 40), odd all '5' (quality 20).
            $script:ReadsDir = Join-Path $TestDrive 'reads'
            New-Item -ItemType Directory $script:ReadsDir | Out-Null
            foreach ($sample in 'sample_a', 'sample_b') {
                $records = foreach ($r in 0..89) {
                    $length = if ($r % 3 -eq 0) { 100 } else { 150 }
                    "@r$r"; 'ACGTN' * ($length / 5); '+'; [string]$(if ($r % 2 -eq 0) { 'I' } else { '5' }) * $length
                }
                Set-Content -Path (Join-Path $script:ReadsDir "$sample.fastq") -Value $records
            }
            function Get-Bars([xml] $Svg) {
                $bars = @{}
                foreach ($rect in $Svg.SelectNodes("//*[local-name()='rect'][@class='bar']")) { $bars[[int]$rect.'data-start'] = [double]$rect.'data-value' }
                $bars
            }
        }

        It 'writes the per-read quality histogram as SVG bars holding the counts' {
            $path = Join-Path $TestDrive 'per-read.svg'
            Get-QualityDistribution (Join-Path $script:ReadsDir 'sample_a.fastq') -PerRead | Export-QualityPlot $path -Kind PerReadQuality
            [xml] $svg = Get-Content $path -Raw
            $bars = Get-Bars $svg
            $bars[40] | Should -Be 45
            $bars[20] | Should -Be 45
            ($bars.Values | Measure-Object -Sum).Sum | Should -Be 90
        }

        It 'writes the read lengths as SVG bars' {
            $path = Join-Path $TestDrive 'lengths.svg'
            Get-QualityDistribution (Join-Path $script:ReadsDir 'sample_a.fastq') -PerRead | Export-QualityPlot $path -Kind Length
            [xml] $svg = Get-Content $path -Raw
            $bars = Get-Bars $svg
            $bars[100] | Should -Be 30
            $bars[150] | Should -Be 60
        }

        It 'shows every module of each sample side by side, with the statuses of the FastQC report' {
            $path = Join-Path $TestDrive 'modules.html'
            $report = Join-Path $TestDrive 'fastqc'
            $distributions = Get-QualityDistribution (Join-Path $script:ReadsDir '*.fastq') -PerRead
            $distributions | Export-QualityPlot $path
            $distributions | Export-QualityReport -Format FastQC -Path $report
            [xml] $page = Get-Content $path -Raw
            @($page.SelectNodes("//th[@class='sample']/h2").'#text') | Should -Be @('sample_a.fastq', 'sample_b.fastq')
            $modules = @($page.SelectNodes("//th[@class='module']").'#text')
            $modules | Should -Be @('Per base sequence quality', 'Per sequence quality scores', 'Per sequence GC content', 'Per base N content', 'Sequence Length Distribution')
            $text = Get-Content (Join-Path $report 'sample_a_fastqc/fastqc_data.txt')
            $rows = @($page.SelectNodes('//tr[td]'))
            for ($i = 0; $i -lt $modules.Count; $i++) {
                $status = ($text | Where-Object { $_ -like ">>$($modules[$i])`t*" }) -replace '^.*\t', ''
                $rows[$i].td[0].span.'#text' | Should -BeExactly $status
                $rows[$i].td.Count | Should -Be 2
            }
        }

        It 'names the distribution counted without -PerRead, writes the others, and writes nothing when none is left' {
            $path = Join-Path $TestDrive 'mixed.svg'
            $plain = Get-QualityDistribution (Join-Path $script:ReadsDir 'sample_a.fastq')
            $full = Get-QualityDistribution (Join-Path $script:ReadsDir 'sample_b.fastq') -PerRead
            $plain, $full | Export-QualityPlot $path -Kind Length -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed | Should -HaveCount 1
            $failed[0].FullyQualifiedErrorId | Should -BeExactly 'QualityDistributionWithoutPerRead,ParallelJobs.Commands.ExportQualityPlotCommand'
            $failed[0].Exception.Message | Should -Match "'sample_a\.fastq'.*-PerRead"
            [xml] $svg = Get-Content $path -Raw
            $svg.svg.title | Should -BeExactly 'sample_b.fastq: read lengths'
            $none = Join-Path $TestDrive 'none.svg'
            $plain | Export-QualityPlot $none -Kind PerReadQuality -ErrorAction SilentlyContinue
            Test-Path $none | Should -BeFalse
        }
    }
}

