#!/usr/bin/env bash
# The Windows lane: what can be proven about Windows on a Linux machine.
#  - Wine (Debian wine64): the engine tests publish as a self-contained win-x64 program and run under Wine,
#    only those with the trait Platform=Windows: job-object tree kill (checked by Windows process ids inside,
#    and by `ps` here), cmd.exe quoting through Wine's cmd.exe, exit codes, and the quoter's unit tests.
#  - Mono (Debian mono-devel): tests/infra/mono-lane.sh, the netstandard2.0 gzip reader on a .NET
#    Framework-like class library.
# Missing Wine or Mono: the lane says "skipped" with the reason; under CI=true it fails instead.
# Usage: bash tests/infra/windows-lane.sh        (from anywhere; about 3-5 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
ci=false; [ "${CI:-}" = "true" ] && ci=true
start=$(date +%s)

give_up() { # reason
    if $ci; then echo "windows lane: FAILED: $1 (CI=true, so this is an error)" >&2; exit 1; fi
    echo "windows lane: skipped: $1"
    exit 0
}

need=""
command -v wine >/dev/null 2>&1 || need="$need wine64"
command -v mono >/dev/null 2>&1 && [ -f /usr/lib/mono/4.5/Facades/netstandard.dll ] || need="$need mono-devel"
if [ -n "$need" ]; then
    SUDO=""; if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
    { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null; } ||
        give_up "could not install$need"
fi
command -v wine >/dev/null 2>&1 || give_up "wine is not on PATH after installing wine64"

# A prefix of our own, made once (headless; ~700 MB, ~20 s). No crash dialog: winedbg would hold a crashed
# program's pipes open and hang the test that started it.
export WINEPREFIX="${PARALLELJOBS_WINEPREFIX:-${TMPDIR:-/tmp}/parallel-jobs-wine-$(id -u)}"
export WINEDEBUG=-all WINEDLLOVERRIDES="winedbg.exe=d" DOTNET_EnableWriteXorExecute=0
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    wineboot -i >/dev/null 2>&1 || give_up "wineboot could not make a Wine prefix in $WINEPREFIX"
fi

out="$root/out/windows-lane"
rm -rf "$out/engine"; mkdir -p "$out"
echo "windows lane: publishing the engine tests for win-x64 (self-contained)"
dotnet publish tests/ParallelJobs.Engine.Tests -r win-x64 --self-contained -c Release -o "$out/engine" -v quiet -nologo \
    -p:TreatWarningsAsErrors=true >"$out/publish.log" 2>&1 || { cat "$out/publish.log" >&2; echo "windows lane: FAILED: publish" >&2; exit 1; }

echo "windows lane: engine tests under Wine ($(wine --version 2>/dev/null))"
status=0
( cd "$out/engine" && timeout 900 wine ParallelJobs.Engine.Tests.exe -trait Platform=Windows -longRunning 60 ) 2>&1 | tr -d '\r' | tee "$out/engine.log" || status=$?
grep -Eq "Total: [1-9][0-9]*, Errors: 0, Failed: 0," "$out/engine.log" || status=1
# Windows' own: under Wine a test that runs on Windows says so; none may skip for lack of Windows.
if grep -q "Windows only: runs in the Windows lane" "$out/engine.log"; then echo "windows lane: tests thought they were not on Windows" >&2; status=1; fi

# From Linux: no Wine process of the tree-kill tests (ping -n 601..605) outlived them.
left=$(ps -eo pid=,args= | grep -E 'ping(\.exe)? -n 60[1-5] ' | grep -v grep || true)
if [ -n "$left" ]; then echo "windows lane: processes outlived the tree-kill tests:" >&2; echo "$left" >&2; status=1; fi

bash tests/infra/mono-lane.sh || status=1

echo "windows lane: $([ $status = 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - start )) s"
exit $status
