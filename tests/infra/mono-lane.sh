#!/usr/bin/env bash
# Mono part of the Windows lane: the netstandard2.0 build's gzip reader on a .NET Framework-like class library
# (Mono's GZipStream, like .NET Framework's, stops after the first gzip member). Reads a two-member gzip file and
# a BGZF file whole, compared with zcat; shows that the class library's GZipStream alone would read less.
# Needs mono-devel (mcs and the netstandard facade); windows-lane.sh installs it. Under CI=true a missing tool fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
ci=false; [ "${CI:-}" = "true" ] && ci=true
give_up() { if $ci; then echo "mono lane: FAILED: $1 (CI=true)" >&2; exit 1; fi; echo "mono lane: skipped: $1"; exit 0; }
command -v mono >/dev/null && command -v mcs >/dev/null || give_up "mono-devel is not installed (mono, mcs)"
command -v bgzip >/dev/null || give_up "bgzip (Debian tabix) is not installed"

out=out/mono-lane; rm -rf "$out"; mkdir -p "$out"
dotnet build src/ParallelJobs.Quality -f netstandard2.0 -c Release -o "$out/lib" -v quiet -nologo >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
mcs -nologo -out:"$out/GzipMembers.exe" -r:System.IO.Compression.dll tests/mono/GzipMembers.cs

# 5000 FASTQ records: two gzip members of 2500 each, and the same as BGZF (64 KiB blocks and the EOF block).
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "@r%d\nACGTACGTAC\n+\nIIIIIIIIII\n", i }' > "$out/reads.fastq"
head -n 10000 "$out/reads.fastq" | gzip -c > "$out/two-members.fastq.gz"
tail -n 10000 "$out/reads.fastq" | gzip -c >> "$out/two-members.fastq.gz"
bgzip -c "$out/reads.fastq" > "$out/reads.bgzf.gz"
want="$(wc -c < "$out/reads.fastq" | tr -d ' ') $(md5sum < "$out/reads.fastq" | cut -d' ' -f1)"

status=0
for f in two-members.fastq.gz reads.bgzf.gz; do
    got=$(mono "$out/GzipMembers.exe" "$out/lib/ParallelJobs.Quality.dll" "$out/$f")
    echo "mono lane: $f: $(echo "$got" | tr '\n' ';')"
    reader=$(echo "$got" | awk '$1 == "GzipReader" { print $3 " " $4 }')
    if [ "$reader" != "$want" ]; then echo "mono lane: $f read as '$reader', zcat gives '$want'" >&2; status=1; fi
done
# The reason for the reader: the class library's GZipStream stops after the first member of the two.
partial=$(mono "$out/GzipMembers.exe" "$out/lib/ParallelJobs.Quality.dll" "$out/two-members.fastq.gz" | awk '$1 == "GZipStream" { print $2 }')
echo "mono lane: Mono's own GZipStream read $partial of ${want%% *} bytes of the two-member file"
echo "mono lane: $([ $status = 0 ] && echo passed || echo FAILED)"
exit $status
