#Requires -Version 7.0
# Export-QualityReport -Format FastQC as a user sees it: one <name>_fastqc/fastqc_data.txt per distribution, a
# distribution without per-read metrics refused by name while the others are written, -Force to replace.
# The numbers themselves are compared with fastqc and multiqc in tests/ParallelJobs.Quality.Tests/Reports.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../ParallelJobs.psd1') -Force
    $Fixtures = Join-Path $PSScriptRoot '../fixtures/quality'
}

Describe 'Export-QualityReport' {
    It 'writes one FastQC folder per distribution, named as FastQC names it' {
        $out = Join-Path $TestDrive 'qc'
        $files = @(Get-QualityDistribution (Join-Path $Fixtures 'small.fastq'), (Join-Path $Fixtures 'crlf.fastq') -PerRead |
            Export-QualityReport -Format FastQC -Path $out -PassThru)
        $files | Should -HaveCount 2
        $data = Join-Path $out 'small_fastqc/fastqc_data.txt'
        Test-Path $data | Should -BeTrue
        $text = Get-Content $data
        $text[0] | Should -Be "##FastQC`t0.11.9"
        $text | Should -Contain "Total Sequences`t3"
        $text | Should -Contain "Filename`tsmall.fastq"
        ($text | Where-Object { $_ -like '>>*' -and $_ -ne '>>END_MODULE' }).Count | Should -Be 6
    }

    It 'refuses a distribution without -PerRead by name and still writes the others' {
        $out = Join-Path $TestDrive 'mixed'
        $plain = Get-QualityDistribution (Join-Path $Fixtures 'small.fastq')
        $full = Get-QualityDistribution (Join-Path $Fixtures 'crlf.fastq') -PerRead
        $plain, $full | Export-QualityReport -Path $out -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -Match '^ReportWithoutPerReadMetrics'
        $errors[0].Exception.Message | Should -BeLike "*'small.fastq'*-PerRead*"
        Test-Path (Join-Path $out 'crlf_fastqc/fastqc_data.txt') | Should -BeTrue
    }

    It 'replaces an existing report only with -Force' {
        $out = Join-Path $TestDrive 'again'
        $d = Get-QualityDistribution (Join-Path $Fixtures 'small.fastq') -PerRead
        $d | Export-QualityReport -Path $out
        $d | Export-QualityReport -Path $out -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -Match '^ReportExists'
        { $d | Export-QualityReport -Path $out -Force -ErrorAction Stop } | Should -Not -Throw
    }
}
