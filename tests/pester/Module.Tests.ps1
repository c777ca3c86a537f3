#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The module as PowerShell loads it: which build of the assemblies this edition gets.
BeforeAll {
    Import-Module $PSScriptRoot/../../ParallelJobs.psd1 -Force
    . $PSScriptRoot/TestSupport.ps1
}

Describe 'ParallelJobs module' {
    It 'loads the net8.0 build in PowerShell 7 and the netstandard2.0 build in Windows PowerShell' {
        $expected = if ($PSEdition -eq 'Core') { '.NETCoreApp,Version=v8.0' } else { '.NETStandard,Version=v2.0' }
        $folder = if ($PSEdition -eq 'Core') { 'net8.0' } else { 'netstandard2.0' }
        foreach ($type in [ParallelJobs.CommandResult], [ParallelJobs.Commands.StartParallelCommandCommand]) {
            $framework = $type.Assembly.GetCustomAttributes([System.Runtime.Versioning.TargetFrameworkAttribute], $false)[0].FrameworkName
            $framework | Should -Be $expected -Because "$($type.Assembly.GetName().Name) is the one for $PSEdition"
            Split-Path -Leaf (Split-Path -Parent $type.Assembly.Location) | Should -Be $folder
        }
        (Get-Command Start-ParallelCommand).DLL | Should -Be ([ParallelJobs.Commands.StartParallelCommandCommand].Assembly.Location)
    }

    It 'still runs a command with the build it loaded' {
        (Start-ParallelCommand 'echo loaded').Output | Should -Be 'loaded'
    }

    It 'runs the README''s main example, examples/slot-streams.ps1, as a user does after dotnet build' {
        if (Skip-UnderWine 'on Windows the example''s commands call Windows PowerShell (powershell.exe), which Wine does not have') { return }
        $out = Join-Path $TestDrive 'streams'
        $child = Start-ChildPwsh '-File', (Join-Path $PSScriptRoot '../../examples/slot-streams.ps1'), '-Count', '20', '-UnitSeconds', '0.01', '-OutputDirectory', $out
        $child.WaitForExit(120000) | Should -BeTrue
        $ChildErr.Result | Should -BeNullOrEmpty
        $child.ExitCode | Should -Be 0
        $ChildOut.Result | Should -Match '20 commands in 5 slots; 0 failed'
        @(Get-ChildItem $out -Filter 'slot-*.out').Count | Should -Be 5
    }
}
