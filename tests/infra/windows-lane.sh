#!/usr/bin/env bash
# The Windows lane: what can be proven about Windows on a Linux machine.
#  - Wine (Debian wine64): the engine tests publish as a self-contained win-x64 program and run under Wine,
#    only those with the trait Platform=Windows: job-object tree kill (checked by Windows process ids inside,
#    and by `ps` here), cmd.exe quoting through Wine's cmd.exe, exit codes, and the quoter's unit tests.
#  - Mono (Debian mono-devel): tests/infra/mono-lane.sh, the netstandard2.0 gzip reader on a .NET
#    Framework-like class library.
# Missing Wine or Mono: the lane says "skipped" with the reason; under CI=true it fails instead.
#  - Wine, PowerShell: the Pester files (tests/pester) in a PowerShell 7.6 host (tests/windows-host) against the
#    net8.0 module in bin/; each test runs cmd.exe commands there, or says why it cannot mean anything on Windows.
# Usage: bash tests/infra/windows-lane.sh        (from anywhere; run `dotnet build` first, or it builds)
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
command -v wine >/dev/null 2>&1 || need="$need wine wine64"
command -v mono >/dev/null 2>&1 && [ -f /usr/lib/mono/4.5/Facades/netstandard.dll ] || need="$need mono-devel"
if [ -n "$need" ]; then
    SUDO=""; if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
    { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null; } ||
        give_up "could not install$need"
fi
command -v wine >/dev/null 2>&1 || give_up "wine is not on PATH after installing wine and wine64"

# A prefix of our own, made once (headless; ~700 MB, ~20 s). No crash dialog: winedbg would hold a crashed
# program's pipes open and hang the test that started it.
export WINEPREFIX="${PARALLELJOBS_WINEPREFIX:-${TMPDIR:-/tmp}/parallel-jobs-wine-$(id -u)}"
export WINEDEBUG=-all WINEDLLOVERRIDES="winedbg.exe=d" DOTNET_EnableWriteXorExecute=0
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    wineboot -i >/dev/null 2>&1 || give_up "wineboot could not make a Wine prefix in $WINEPREFIX"
fi
# Wine says Windows 7 until told otherwise; the module and its tests are about Windows 10 and later.
if [ ! -f "$WINEPREFIX/.parallel-jobs-win10" ]; then
    winecfg -v win10 >/dev/null 2>&1 && touch "$WINEPREFIX/.parallel-jobs-win10" || give_up "winecfg could not set Windows 10 in $WINEPREFIX"
fi

out="$root/out/windows-lane"
rm -rf "$out/engine"; mkdir -p "$out"
echo "windows lane: publishing the engine tests for win-x64 (self-contained)"
dotnet publish tests/ParallelJobs.Engine.Tests -r win-x64 --self-contained -c Release -o "$out/engine" -v quiet -nologo \
    -p:TreatWarningsAsErrors=true >"$out/publish.log" 2>&1 || { cat "$out/publish.log" >&2; echo "windows lane: FAILED: publish" >&2; exit 1; }

# The PowerShell 7.6 host (tests/windows-host: pwsh's own entry point over Microsoft.PowerShell.SDK, published
# self-contained for win-x64, Wine having no pwsh.exe nor a working powershell.exe). The engine tests use it as the
# PowerShell of a simulated Windows SSH host (WindowsSshSessionTests), the Pester files as their PowerShell.
publish_host() {
    echo "windows lane: publishing the PowerShell 7.6 host for win-x64 (self-contained)"
    rm -rf "$out/host"
    dotnet publish tests/windows-host -r win-x64 --self-contained -c Release -o "$out/host" -v quiet -nologo \
        >"$out/host-publish.log" 2>&1 || { cat "$out/host-publish.log" >&2; echo "windows lane: FAILED: publishing the PowerShell host" >&2; return 1; }
}
status=0
publish_host || status=1
export PARALLELJOBS_LANE_PWSH=""
[ -f "$out/host/pwsh.exe" ] && PARALLELJOBS_LANE_PWSH=$(winepath -w "$out/host/pwsh.exe" 2>/dev/null)

echo "windows lane: engine tests under Wine ($(wine --version 2>/dev/null))"
( cd "$out/engine" && timeout 900 wine ParallelJobs.Engine.Tests.exe -trait Platform=Windows -longRunning 60 ) 2>&1 | stdbuf -oL tr -d '\r' | tee "$out/engine.log" || status=$?
grep -Eq "Total: [1-9][0-9]*, Errors: 0, Failed: 0," "$out/engine.log" || status=1
# Windows' own: under Wine a test that runs on Windows says so; none may skip for lack of Windows.
if grep -q "Windows only: runs in the Windows lane" "$out/engine.log"; then echo "windows lane: tests thought they were not on Windows" >&2; status=1; fi
if grep -q "no PowerShell for the simulated Windows SSH host" "$out/engine.log"; then echo "windows lane: the simulated Windows SSH host had no PowerShell" >&2; status=1; fi

# From Linux: no Wine process of the tree-kill tests (ping -n 601..605) nor of the simulated SSH sessions (606, 607) outlived them.
left=$(ps -eo pid=,args= | grep -E 'ping(\.exe)? -n 60[1-7] ' | grep -v grep || true)
if [ -n "$left" ]; then echo "windows lane: processes outlived the tree-kill tests:" >&2; echo "$left" >&2; status=1; fi

# The Pester files (tests/pester) in a PowerShell 7.6 host under Wine: tests/windows-host is pwsh's own entry point
# over Microsoft.PowerShell.SDK 7.6.10, published self-contained for win-x64 (Wine has no pwsh.exe). It imports the
# module as `dotnet build` laid it out (bin/net8.0) and Pester 5.7.1 from the NuGet cache, copied beside it.
# The console host needs a console: Wine makes one only when a standard handle is a terminal, so script(1) gives it one.
pester_run() {
    command -v script >/dev/null 2>&1 || { echo "windows lane: FAILED: script(1) from util-linux is needed for the PowerShell host" >&2; return 1; }
    if [ ! -f bin/net8.0/ParallelJobs.dll ] || ! ls tests/ParallelJobs.TestSupport/bin/*/netstandard2.0/ParallelJobs.TestSupport.dll >/dev/null 2>&1; then
        echo "windows lane: building the module (bin/) and the test support library"
        dotnet build -nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; return 1; }
    fi
    local packages pester
    packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')
    pester="$packages/pester/5.7.1/tools"
    if [ ! -f "$pester/Pester.psd1" ]; then
        dotnet restore tests/ParallelJobs.Module.Tests -v quiet >/dev/null 2>&1 || true
        [ -f "$pester/Pester.psd1" ] || { echo "windows lane: FAILED: Pester 5.7.1 is not in the NuGet cache ($pester)" >&2; return 1; }
    fi
    [ -f "$out/host/pwsh.exe" ] || publish_host || return 1
    mkdir -p "$out/host/Modules/Pester/5.7.1"
    cp -r "$pester/." "$out/host/Modules/Pester/5.7.1/"

    echo "windows lane: Pester files in the PowerShell 7.6 host under Wine"
    local t0=$(date +%s) rc=0
    rm -f "$out/pester-result.txt"
    NO_COLOR=1 timeout 1200 script -qec "wine '$out/host/pwsh.exe' -NoProfile -NonInteractive -File tests/windows-host/Invoke-PesterFiles.ps1 -ResultFile '$out/pester-result.txt' >'$out/pester.log' 2>&1" /dev/null </dev/null || rc=$?
    tr -d '\r' < "$out/pester.log" | grep -v '^wine: Read access denied for device' || true
    [ -f "$out/pester-result.txt" ] || { echo "windows lane: FAILED: the PowerShell host wrote no result (exit $rc)" >&2; return 1; }
    tr -d '\r' < "$out/pester-result.txt" | grep -v '^pester:' | sed 's/^/windows lane: /' || true
    echo "windows lane: $(head -n 1 "$out/pester-result.txt" | tr -d '\r') (host exit $rc, $(( $(date +%s) - t0 )) s)"
    return $rc
}
pester_run || status=1
# From Linux again: none of the Pester files' long pings (600 s, or 30 s pauses) outlived its test.
left=$(ps -eo pid=,args= | grep -Ei 'ping(\.exe)? -n (600|31) ' | grep -v grep || true)
if [ -n "$left" ]; then echo "windows lane: processes outlived the Pester files:" >&2; echo "$left" >&2; status=1; fi

bash tests/infra/mono-lane.sh || status=1

echo "windows lane: $([ $status = 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - start )) s"
exit $status
