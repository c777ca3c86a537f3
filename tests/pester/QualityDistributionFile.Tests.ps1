#Requires -Version 7.0
# Export-QualityDistribution, Import-QualityDistribution and Merge-QualityDistribution as a user sees them: the
# saved results of several "machines", loaded and merged, equal one run over all the files; bad files are errors
# naming the file, and the good files of the same call still load.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../ParallelJobs.psd1') -Force
    . (Join-Path $PSScriptRoot 'TestSupport.ps1'); Import-TestSupport
    $Fixtures = Join-Path $PSScriptRoot '../fixtures/quality'

    # Every number of a distribution and its rows, as JSON (which process, slot and how long are left out: they
    # describe the run, not the data; files are sorted, as parts list theirs in their own order).
    function ConvertTo-Numbers($Distribution) {
        [ordered]@{
            Name = $Distribution.Name; FileCount = $Distribution.FileCount; FailedFileCount = $Distribution.FailedFileCount
            ReadCount = $Distribution.ReadCount; BaseCount = $Distribution.BaseCount; MinLength = $Distribution.MinLength
            MaxLength = $Distribution.MaxLength; MeanQuality = $Distribution.MeanQuality.ToString('R'); PhredOffset = $Distribution.PhredOffset
            BinWidth = $Distribution.BinWidth; Files = @($Distribution.Files | Sort-Object -CaseSensitive)
            Positions = @($Distribution.Positions | ForEach-Object {
                    [ordered]@{ P = $_.Position; E = $_.EndPosition; N = $_.Count; Mean = $_.Mean.ToString('R'); Min = $_.Minimum; P10 = $_.Percentile10
                        Q1 = $_.LowerQuartile; Med = $_.Median; Q3 = $_.UpperQuartile; P90 = $_.Percentile90; Max = $_.Maximum }
                })
        } | ConvertTo-Json -Depth 4 -Compress
    }
}

Describe 'Export-, Import- and Merge-QualityDistribution' {
    BeforeAll {
        $data = Join-Path $TestDrive 'data'
        # Short and long reads (up to 9 kb, binned): parts of different bin widths must merge to the bins of one run.
        $dirs = [ParallelJobs.TestSupport.QualDataSetGenerator]::Write($data, 11, 2, 15, 40, 150)
        $long = [ParallelJobs.TestSupport.QualDataSetGenerator]::Write((Join-Path $TestDrive 'long'), 12, 1, 4, 2000, 9000)
        $script:Files = @($dirs + $long | ForEach-Object { Get-ChildItem -File $_ } | ForEach-Object FullName) +
            @('small.fastq', 'illumina64.fastq', 'small.qual' | ForEach-Object { Join-Path $Fixtures $_ })
    }

    It 'saves and loads a distribution with every number unchanged' {
        $original = Get-QualityDistribution (Join-Path $Fixtures 'dirs/run_a'), (Join-Path $Fixtures 'small.fastq')
        $path = Join-Path $TestDrive 'two.json'
        $file = $original | Export-QualityDistribution -Path $path -PassThru
        $file.FullName | Should -Be $path
        $json = Get-Content $path -Raw | ConvertFrom-Json
        $json.format | Should -BeExactly 'ParallelJobs.QualityDistribution'
        $json.version | Should -Be 2
        $loaded = @(Import-QualityDistribution $path)
        $loaded.Count | Should -Be 2
        for ($i = 0; $i -lt 2; $i++) {
            $loaded[$i] | Should -BeOfType ([ParallelJobs.QualityDistribution])
            ConvertTo-Numbers $loaded[$i] | Should -BeExactly (ConvertTo-Numbers $original[$i])
            $loaded[$i].Path | Should -BeExactly $original[$i].Path
        }
    }

    It 'merges the saved results of random shares of the files into the numbers of one run over all of them' {
        $whole = Get-QualityDistribution -Path $Files -Merge
        $whole.BinWidth | Should -BeGreaterThan 1
        $expected = ConvertTo-Numbers $whole
        foreach ($seed in 1, 2, 3) {
            $random = [Random]::new($seed)
            $machines = $random.Next(2, 5)
            $shares = @{}
            foreach ($f in $Files) { $m = $random.Next($machines); $shares[$m] = @($shares[$m]) + $f | Where-Object { $_ } }
            $out = New-Item -ItemType Directory (Join-Path $TestDrive "results$seed")
            foreach ($m in $shares.Keys) {
                Get-QualityDistribution -Path $shares[$m] -Merge | Export-QualityDistribution (Join-Path $out "machine$m.json")
            }
            $merged = Import-QualityDistribution (Join-Path $out '*.json') | Merge-QualityDistribution
            ConvertTo-Numbers $merged | Should -BeExactly $expected
        }
    }

    It 'merges live distributions as -Merge would, under the given name' {
        $parts = Get-QualityDistribution (Join-Path $Fixtures 'dirs/run_a'), (Join-Path $Fixtures 'dirs/run_b') -ErrorAction SilentlyContinue
        $merged = $parts | Merge-QualityDistribution -Name both
        $merged.Name | Should -BeExactly 'both'
        $merged.Positions[0].Name | Should -BeExactly 'both'
        $one = Get-QualityDistribution (Join-Path $Fixtures 'dirs/run_a'), (Join-Path $Fixtures 'dirs/run_b') -Merge -ErrorAction SilentlyContinue
        (ConvertTo-Numbers $merged) -replace '"Name":"both"', '"Name":"Merged"' | Should -BeExactly (ConvertTo-Numbers $one)
    }

    It 'reports a bad file by name and still loads the good ones' {
        $good = Join-Path $TestDrive 'good.json'
        Get-QualityDistribution (Join-Path $Fixtures 'small.qual') | Export-QualityDistribution $good
        $version = Join-Path $TestDrive 'version.json'
        (Get-Content $good -Raw) -replace '"version": 2', '"version": 7' | Set-Content $version
        $cut = Join-Path $TestDrive 'cut.json'
        (Get-Content $good -Raw).Substring(0, 200) | Set-Content $cut -NoNewline
        $kind = Join-Path $TestDrive 'kind.json'
        '{"format": "something else", "version": 1}' | Set-Content $kind

        $loaded = @(Import-QualityDistribution -LiteralPath $version, $good, $cut, $kind -ErrorVariable errors -ErrorAction SilentlyContinue)
        $loaded.Count | Should -Be 1
        $loaded[0].Name | Should -BeExactly 'small.qual'
        $errors.Count | Should -Be 3
        $errors | ForEach-Object { $_.FullyQualifiedErrorId | Should -Match '^InvalidQualityDistributionFile' }
        $errors[0].Exception.Message | Should -BeLike "$version*version 7*reads versions 1 to 2*"
        $errors[1].Exception.Message | Should -BeLike "$cut*not valid JSON*"
        $errors[2].Exception.Message | Should -BeLike "$kind*not a saved quality distribution*something else*"
    }

    It 'does not overwrite an existing file without -Force' {
        $path = Join-Path $TestDrive 'exists.json'
        'keep' | Set-Content $path
        $d = Get-QualityDistribution (Join-Path $Fixtures 'small.qual')
        { $d | Export-QualityDistribution $path -ErrorAction Stop } | Should -Throw -ErrorId 'DistributionFileExists*'
        Get-Content $path | Should -Be 'keep'
        $d | Export-QualityDistribution $path -Force
        (Import-QualityDistribution $path).ReadCount | Should -Be $d.ReadCount
    }

    It 'refuses a hand-made distribution that has no counts to save' {
        $handMade = [ParallelJobs.TestSupport.QualitySamples]::Falling('rows only', 20, 1)
        { $handMade | Export-QualityDistribution (Join-Path $TestDrive 'rows.json') -ErrorAction Stop } | Should -Throw -ErrorId 'DistributionWithoutCounts*'
        Test-Path (Join-Path $TestDrive 'rows.json') | Should -BeFalse
    }
}
