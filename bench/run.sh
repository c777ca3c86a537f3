#!/usr/bin/env bash
# ParallelJobs benchmark (issue 5): builds in Release, generates its data under a temporary folder,
# runs every row against its anchors in the same run, removes the data, and prints one table.
#
#   bench/run.sh                      full run (2000 jobs, 10 MB and 500 MB data sets; under 10 minutes on 2 cores)
#   bench/run.sh --quick              smoke test (500 jobs, 100 MB large size, one repeat)
#   bench/run.sh --large-size-mb 200  other sizes; --rows 1,2 for some rows; --results FILE to keep the table
#
# Anchors that are missing are skipped with the command that installs them (Debian/Ubuntu):
#   sudo apt-get install -y parallel fastqc fastp
# Row 6 needs pwsh: on PATH, or the NuGet package 'PowerShell' 7.6.9 in the NuGet cache, or PARALLELJOBS_PWSH.
# With a C compiler (cc or gcc) rows 1, 2 and 6 also measure the machine floor (bench/spawn_floor.c).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

command -v dotnet >/dev/null || { echo "bench: the .NET SDK (dotnet) is required" >&2; exit 1; }
echo "bench: building the module and the benchmark (Release) ..." >&2
# The module under <repo>/bin, so row 6 can Import-Module ParallelJobs.psd1.
dotnet build "$root/src/ParallelJobs/ParallelJobs.csproj" -c Release -nologo -v q >&2
dotnet build "$here/ParallelJobs.Bench/ParallelJobs.Bench.csproj" -c Release -nologo -v q >&2
# Row 6's pwsh: the repository's local tool (.config/dotnet-tools.json) puts PowerShell in the NuGet cache,
# where the benchmark finds it; without network or feed the row is skipped with the reason.
(cd "$root" && dotnet tool restore >/dev/null 2>&1) || echo "bench: 'dotnet tool restore' failed; row 6 needs pwsh on PATH" >&2

exec dotnet "$here/ParallelJobs.Bench/bin/Release/net10.0/ParallelJobs.Bench.dll" all --repo "$root" "$@"
