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
# Row 9 (the second seed's shape: 480 small .qual files of Sanger reads) needs python3 for its Python anchor.
# Rows ssh and slurm (engine over SSH against GNU parallel -S; a Slurm run against a hand-written
# sbatch --array=0-199%2 --wait, with the number of Slurm client calls) start tests/infra/ssh-hosts.sh and
# tests/infra/slurm-cluster.sh when those are not running (root; stopped again at the end), else say why not.
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

# Rows ssh and slurm run against the loopback SSH hosts and the single-node Slurm cluster of tests/infra. Each
# is started here when it is not running and its script can start it (it needs root and, on first use, apt-get),
# and stopped again at the end if this script started it; otherwise the row is skipped with the reason.
rows=all
prev=
for a in "$@"; do
    [ "$prev" = --rows ] && rows=$a
    prev=$a
done
wants_row() { [ "$rows" = all ] || case ",$rows," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
started=
# start_infra NAME SCRIPT SKIP_VARIABLE: running already, or started now (remembered), or the reason in SKIP_VARIABLE.
start_infra() {
    local name=$1 script=$2 skip=$3 out
    if bash "$script" status >/dev/null 2>&1; then
        :
    elif out=$(bash "$script" start 2>&1); then
        started="$started $script"
        echo "bench: started the $name for its row (stopped again at the end)" >&2
    else
        export "$skip=$(basename "$script") start failed: $(printf '%s\n' "$out" | grep -v '^$' | tail -n 1)"
        return 0
    fi
    eval "$(bash "$script" env)"
}
if wants_row ssh; then start_infra "SSH test hosts" "$root/tests/infra/ssh-hosts.sh" PJ_BENCH_SSH_SKIP; fi
if wants_row slurm; then start_infra "Slurm test cluster" "$root/tests/infra/slurm-cluster.sh" PJ_BENCH_SLURM_SKIP; fi
stop_started() {
    local script
    for script in $started; do bash "$script" stop >/dev/null 2>&1 || echo "bench: '$script stop' failed" >&2; done
}
if [ -z "$started" ]; then
    exec dotnet "$here/ParallelJobs.Bench/bin/Release/net10.0/ParallelJobs.Bench.dll" all --repo "$root" "$@"
fi
trap stop_started EXIT
dotnet "$here/ParallelJobs.Bench/bin/Release/net10.0/ParallelJobs.Bench.dll" all --repo "$root" "$@"
