#!/usr/bin/env bash
# Fuzzes one of supportlens's input readers with AFL++ (cargo-afl, stable Rust) for a given
# time, then prints the executions, crashes and hangs of the run (see FUZZING.md).
#
#   scripts/fuzz.sh TARGET SECONDS      TARGET: jira_json, adf, config or ics
#
# Installs cargo-afl 0.18.2 and builds AFL++ on first use (from crates.io, no other
# download). Builds fuzz/ into $FUZZ_TARGET_DIR (default fuzz/target: keep it apart from
# the main crate's target dir, since the instrumentation is added by fuzz/rustc-wrapper.sh
# where cargo's fingerprints do not see it). Findings of the run are copied to
# fuzz/artifacts/TARGET/; each run starts from fuzz/corpus/TARGET plus the queue the
# previous run of the target left in $FUZZ_OUT_DIR (default fuzz/out).
# Exit status: 0 when the run found no crash and no hang, 1 when it did, 2 on bad usage.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

targets="jira_json adf config ics"
usage="usage: scripts/fuzz.sh TARGET SECONDS (TARGET: ${targets// /, })"
if [ $# -ne 2 ]; then
    echo "$usage" >&2
    exit 2
fi
target="$1"
seconds="$2"
if [[ " $targets " != *" $target "* ]]; then
    echo "fuzz.sh: unknown target '$target'; $usage" >&2
    exit 2
fi
if ! [[ "$seconds" =~ ^[1-9][0-9]{0,6}$ ]]; then
    echo "fuzz.sh: SECONDS must be a whole number from 1 to 9999999, got '$seconds'" >&2
    exit 2
fi

afl_version=0.18.2
if ! cargo afl --version 2>/dev/null | grep -q "cargo-afl $afl_version"; then
    echo "fuzz.sh: installing cargo-afl $afl_version" >&2
    cargo install cargo-afl --version "$afl_version" --locked
fi
# AFL++'s runtime for this rustc, where cargo-afl keeps it.
release="$(rustc -vV | sed -n 's/^release: //p')"
commit="$(rustc -vV | sed -n 's/^commit-hash: //p')"
runtime="${XDG_DATA_HOME:-$HOME/.local/share}/afl.rs/rustc-$release-${commit:0:7}/afl.rs-$afl_version/afl-llvm/afl-compiler-rt.o"
if [ ! -f "$runtime" ]; then
    echo "fuzz.sh: building AFL++ for rustc $release" >&2
    cargo afl config --build
fi

target_dir="${FUZZ_TARGET_DIR:-$root/fuzz/target}"
echo "fuzz.sh: building $target into $target_dir" >&2
RUSTC_WRAPPER="$root/fuzz/rustc-wrapper.sh" SUPPORTLENS_AFL_RUNTIME="$runtime" \
    CARGO_TARGET_DIR="$target_dir" \
    cargo build --quiet --locked --manifest-path fuzz/Cargo.toml --bin "$target"
binary="$target_dir/debug/$target"

out_dir="${FUZZ_OUT_DIR:-$root/fuzz/out}"
out="$out_dir/$target"
seeds="$(mktemp -d)"
trap 'rm -rf "$seeds"' EXIT
cp fuzz/corpus/"$target"/* "$seeds"/
if [ -d "$out/default/queue" ]; then
    find "$out/default/queue" -maxdepth 1 -type f -name 'id:*' -exec cp {} "$seeds"/ \;
fi
rm -rf "$out"
mkdir -p "$out_dir"

# No curses screen (a log instead), no CPU pinning (the cores are shared), no core-dump
# pattern demands; one rayon thread so each input runs the same way every time. Each input
# may take 2 s (a hang past that) and 4 GiB of address space (an out-of-memory crash past it).
AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    RAYON_NUM_THREADS=1 \
    cargo afl fuzz -V "$seconds" -t 2000 -m 4096 -x "fuzz/dict/$target.dict" \
    -i "$seeds" -o "$out" -- "$binary" >"$out_dir/$target.log" 2>&1 || {
    echo "fuzz.sh: afl-fuzz failed; its log, $out_dir/$target.log, ends:" >&2
    tail -n 20 "$out_dir/$target.log" >&2
    exit 1
}

stats="$out/default/fuzzer_stats"
stat() { sed -n "s/^$1 *: *//p" "$stats"; }
crashes="$(stat saved_crashes)"
hangs="$(stat saved_hangs)"
artifacts="$root/fuzz/artifacts/$target"
for kind in crashes hangs; do
    found=("$out/default/$kind"/id:*)
    if [ -e "${found[0]}" ]; then
        mkdir -p "$artifacts/$kind"
        cp "${found[@]}" "$artifacts/$kind/"
    fi
done
echo "target:      $target"
echo "time:        $(stat run_time) s"
echo "executions:  $(stat execs_done) ($(stat execs_per_sec) per second)"
echo "corpus:      $(stat corpus_count) inputs, edge coverage $(stat bitmap_cvg), stability $(stat stability)"
echo "crashes:     $crashes"
echo "hangs:       $hangs"
if [ "$crashes" != 0 ] || [ "$hangs" != 0 ]; then
    echo "findings copied to $artifacts; replay one with: $binary < FILE" >&2
    exit 1
fi
