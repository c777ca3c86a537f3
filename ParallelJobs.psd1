@{
    # PowerShell 7 (Core, 7.4+ on .NET 8 or later) loads the net8.0 build; Windows PowerShell 5.1 (Desktop, .NET
    # Framework) the netstandard2.0 one, which ships System.Numerics.Vectors.dll beside it.
    RootModule           = if ($PSEdition -eq 'Core') { 'bin/net8.0/ParallelJobs.dll' } else { 'bin/netstandard2.0/ParallelJobs.dll' }
    ModuleVersion        = '0.1.0'
    GUID                 = '5f0b6c2e-8f53-4c1e-9a57-2d8f7f3b1a64'
    Author               = 'ParallelJobs developers'
    CompanyName          = 'ParallelJobs'
    Copyright            = '(c) ParallelJobs developers. MIT licence.'
    Description          = 'Run many external commands at once in throttled slots, with exit codes, output and timings as objects; per-position quality statistics of sequencing files, in parallel.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Core', 'Desktop')
    # Loaded up front so scripts can name engine types ([ParallelJobs.QualityDistribution]) right after Import-Module.
    RequiredAssemblies   = if ($PSEdition -eq 'Core') { @('bin/net8.0/ParallelJobs.Engine.dll', 'bin/net8.0/ParallelJobs.Quality.dll') } else { @('bin/netstandard2.0/ParallelJobs.Engine.dll', 'bin/netstandard2.0/ParallelJobs.Quality.dll') }
    FormatsToProcess     = @('bin/ParallelJobs.format.ps1xml')
    CmdletsToExport      = @(
        'Start-ParallelCommand'
        'Receive-SlotOutput'
        'Get-ParallelSlot'
        'Show-QualityPlot'
        'Export-QualityPlot'
        'Get-QualityDistribution'
        'Export-QualityDistribution'
        'Import-QualityDistribution'
        'Merge-QualityDistribution'
        'Export-QualityReport'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('parallel', 'jobs', 'xargs', 'gnu-parallel', 'bioinformatics', 'fastq', 'quality', 'Linux', 'Windows', 'MacOS')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}
