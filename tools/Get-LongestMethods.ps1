#Requires -Version 7.0
<#
.SYNOPSIS
    Lists the longest methods of the C# sources under a folder, with their nesting depth.
.DESCRIPTION
    Parses every .cs file under -Path (bin/ and obj/ left out) with the C# parser that ships inside
    PowerShell 7 (the one Add-Type uses), so strings, comments and expression bodies are read as the
    compiler reads them. A member's length is the lines from its declaration (attributes and doc
    comments not counted) to its closing brace. Methods, constructors, operators and property or event
    accessors with a body are members; local functions count inside the member that holds them.

    Nesting is the deepest stack of blocks that open a new level: if (an else-if stays on the level of
    its if), for, foreach, while, do, switch, try, using, fixed, lock, lambdas and local functions.
    Directly stacked using or fixed statements (one statement inside the next, no block between) count
    as one level, since they read as one.
.PARAMETER Path
    Folder (or one .cs file) to read. Default: src under the repository root.
.PARAMETER Top
    How many members to list, longest first. Default 10.
.EXAMPLE
    ./tools/Get-LongestMethods.ps1
.EXAMPLE
    ./tools/Get-LongestMethods.ps1 -Path src/ParallelJobs.Engine/Quality -Top 20 | Format-Table
#>
[CmdletBinding()]
param(
    [string] $Path = (Join-Path $PSScriptRoot '..' 'src'),
    [ValidateRange(1, [int]::MaxValue)] [int] $Top = 10
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Add-Type -AssemblyName Microsoft.CodeAnalysis, Microsoft.CodeAnalysis.CSharp

$kind = [Microsoft.CodeAnalysis.CSharp.SyntaxKind]
$levelKinds = [System.Collections.Generic.HashSet[Microsoft.CodeAnalysis.CSharp.SyntaxKind]]::new(
    [Microsoft.CodeAnalysis.CSharp.SyntaxKind[]] @(
        $kind::IfStatement, $kind::ForStatement, $kind::ForEachStatement, $kind::ForEachVariableStatement,
        $kind::WhileStatement, $kind::DoStatement, $kind::SwitchStatement, $kind::TryStatement,
        $kind::UsingStatement, $kind::FixedStatement, $kind::LockStatement, $kind::LocalFunctionStatement,
        $kind::SimpleLambdaExpression, $kind::ParenthesizedLambdaExpression, $kind::AnonymousMethodExpression))
$stackingKinds = @($kind::UsingStatement, $kind::FixedStatement)

function Test-OpensLevel([Microsoft.CodeAnalysis.SyntaxNode] $node) {
    $k = [Microsoft.CodeAnalysis.CSharp.CSharpExtensions]::Kind($node)
    if (-not $levelKinds.Contains($k)) { return $false }
    $parentKind = [Microsoft.CodeAnalysis.CSharp.CSharpExtensions]::Kind($node.Parent)
    # else if: the same level as the if it continues.
    if ($k -eq $kind::IfStatement -and $parentKind -eq $kind::ElseClause) { return $false }
    # using (a) using (b) { } and fixed (a) fixed (b) { }: one level.
    if ($k -in $stackingKinds -and $parentKind -eq $k) { return $false }
    return $true
}

function Get-Nesting([Microsoft.CodeAnalysis.SyntaxNode] $member) {
    $deepest = 0
    $depth = @{}
    $depth[$member] = 0
    foreach ($node in $member.DescendantNodes()) {
        $level = $depth[$node.Parent] + [int](Test-OpensLevel $node)
        $depth[$node] = $level
        if ($level -gt $deepest) { $deepest = $level }
    }
    return $deepest
}

function Get-MemberName([Microsoft.CodeAnalysis.SyntaxNode] $member) {
    $name = switch ($member) {
        { $_ -is [Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax] } { $_.Identifier.ValueText; break }
        { $_ -is [Microsoft.CodeAnalysis.CSharp.Syntax.ConstructorDeclarationSyntax] } { '.ctor'; break }
        { $_ -is [Microsoft.CodeAnalysis.CSharp.Syntax.DestructorDeclarationSyntax] } { 'Finalize'; break }
        { $_ -is [Microsoft.CodeAnalysis.CSharp.Syntax.OperatorDeclarationSyntax] } { 'operator ' + $_.OperatorToken.ValueText; break }
        { $_ -is [Microsoft.CodeAnalysis.CSharp.Syntax.ConversionOperatorDeclarationSyntax] } { 'operator ' + $_.Type; break }
        { $_ -is [Microsoft.CodeAnalysis.CSharp.Syntax.AccessorDeclarationSyntax] } {
            $property = $_.Parent.Parent
            $owner = if ($property -is [Microsoft.CodeAnalysis.CSharp.Syntax.IndexerDeclarationSyntax]) { 'this[]' } else { $property.Identifier.ValueText }
            $owner + '.' + $_.Keyword.ValueText
            break
        }
    }
    $types = foreach ($ancestor in $member.Ancestors()) {
        if ($ancestor -is [Microsoft.CodeAnalysis.CSharp.Syntax.BaseTypeDeclarationSyntax]) { $ancestor.Identifier.ValueText }
    }
    [array]::Reverse($types)
    return (@($types) + $name) -join '.'
}

$root = (Resolve-Path $Path).Path
$files = if (Test-Path $root -PathType Leaf) { Get-Item $root } else {
    Get-ChildItem $root -Recurse -Filter *.cs -File | Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' }
}
$rows = foreach ($file in $files) {
    $tree = [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree]::ParseText([System.IO.File]::ReadAllText($file.FullName))
    $relative = [System.IO.Path]::GetRelativePath((Get-Location).Path, $file.FullName)
    foreach ($member in $tree.GetRoot().DescendantNodes()) {
        $isMember = $member -is [Microsoft.CodeAnalysis.CSharp.Syntax.BaseMethodDeclarationSyntax] -or
            ($member -is [Microsoft.CodeAnalysis.CSharp.Syntax.AccessorDeclarationSyntax] -and ($member.Body -or $member.ExpressionBody))
        if (-not $isMember) { continue }
        $span = $tree.GetLineSpan($member.Span)
        [pscustomobject]@{
            Lines   = $span.EndLinePosition.Line - $span.StartLinePosition.Line + 1
            Nesting = Get-Nesting $member
            Member  = Get-MemberName $member
            Where   = $relative + ':' + ($span.StartLinePosition.Line + 1)
        }
    }
}
$rows | Sort-Object -Property @{ Expression = 'Lines'; Descending = $true }, Member | Select-Object -First $Top
