#!/usr/bin/env bash
# Benchmarks supportlens as whole processes on the workloads of issue 6, and prints medians,
# peak memory and the ratios the targets are read from (see BENCHMARKS.md).
#
#   scripts/bench.sh                 M and L, 5 runs each
#   RUNS=3 scripts/bench.sh M        only M, 3 runs
#
# Workloads (generated once, seed 1, into $BENCH_DIR, default ~/.cache/supportlens-bench):
#   M = 50,000 tickets, 60 engineers, 52 weeks
#   L = 200,000 tickets, 150 engineers, 104 weeks
# Timed: `import` into an empty snapshot, `report --weeks 104` from that snapshot, and the
# floors (examples/floors.rs): parsing the JSON without storing it (into serde_json's Value,
# and into the borrowed document import uses), reading the snapshot's tables once without
# computing anything, and writing files of the report's sizes.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${RUNS:-5}"
BENCH_DIR="${BENCH_DIR:-$HOME/.cache/supportlens-bench}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/supportlens-target}"
presets=("$@")
[ ${#presets[@]} -eq 0 ] && presets=(M L)

if [ ! -x /usr/bin/time ]; then
    echo "bench.sh: needs GNU time at /usr/bin/time (Debian package 'time')" >&2
    exit 2
fi

cargo build --release --locked --quiet --bin supportlens --example floors
bin="$CARGO_TARGET_DIR/release/supportlens"
floors="$CARGO_TARGET_DIR/release/examples/floors"

shape() {
    case "$1" in
        M) echo "50000 60 52" ;;
        L) echo "200000 150 104" ;;
        *) echo "bench.sh: unknown workload '$1' (M or L)" >&2; exit 2 ;;
    esac
}

# time_runs NAME SETUP CMD...: runs SETUP then CMD $RUNS times; records "seconds kib" lines.
time_runs() {
    local name="$1" setup="$2"
    shift 2
    : >"$work/$name.times"
    for _ in $(seq "$RUNS"); do
        eval "$setup"
        /usr/bin/time -f '%e %M' -o "$work/$name.one" "$@" >/dev/null 2>"$work/$name.err" || {
            echo "bench.sh: '$*' failed:" >&2
            cat "$work/$name.err" >&2
            exit 1
        }
        cat "$work/$name.one" >>"$work/$name.times"
    done
}

# median seconds and peak MiB of a recorded step
median() { sort -n "$work/$1.times" | awk '{t[NR]=$1} END {print (NR%2 ? t[(NR+1)/2] : (t[NR/2]+t[NR/2+1])/2)}'; }
peak() { sort -n -k2 "$work/$1.times" | tail -1 | awk '{printf "%.0f", $2/1024}'; }

declare -A result
for preset in "${presets[@]}"; do
    read -r tickets engineers weeks <<<"$(shape "$preset")"
    dir="$BENCH_DIR/$preset"
    input="$dir/input"
    if [ ! -s "$input/issues.jsonl" ] || [ "$(cat "$input/.shape" 2>/dev/null)" != "$tickets $engineers $weeks" ]; then
        echo "generating $preset: $tickets tickets, $engineers engineers, $weeks weeks" >&2
        rm -rf "$input"
        "$bin" generate --tickets "$tickets" --engineers "$engineers" --weeks "$weeks" --seed 1 --out "$input" >/dev/null
        echo "$tickets $engineers $weeks" >"$input/.shape"
    fi
    work="$dir/runs"
    rm -rf "$work"
    mkdir -p "$work"
    config="$input/supportlens.toml"
    data="$work/data"
    echo "timing $preset ($RUNS runs each)" >&2
    time_runs parse_floor ":" "$floors" parse "$input/issues.jsonl"
    time_runs borrow_floor ":" "$floors" borrow "$input/issues.jsonl"
    time_runs import "rm -rf '$data'" "$bin" --config "$config" --data "$data" import "$input/issues.jsonl"
    time_runs read_floor ":" "$floors" read "$data"
    time_runs report "rm -rf '$work/reports'" "$bin" --config "$config" --data "$data" report --weeks 104 --out "$work/reports"
    folder="$(find "$work/reports" -mindepth 1 -maxdepth 1 -type d ! -name '.*' | head -1)"
    time_runs write_floor "rm -rf '$work/written'" "$floors" write "$folder" "$work/written"
    rm -rf "$work/written"
    for step in parse_floor borrow_floor import read_floor report write_floor; do
        result[$preset.$step.s]="$(median "$step")"
        result[$preset.$step.mib]="$(peak "$step")"
    done
    result[$preset.json_mib]="$(du -m "$input/issues.jsonl" | cut -f1)"
    result[$preset.snapshot_mib]="$(du -cm "$data"/*.parquet | tail -1 | cut -f1)"
done

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "runs: $RUNS per step; seconds are medians of wall time, memory the largest peak RSS"
printf '%-8s %-12s %10s %10s\n' workload step seconds peak_MiB
for preset in "${presets[@]}"; do
    for step in parse_floor borrow_floor import read_floor report write_floor; do
        printf '%-8s %-12s %10s %10s\n' "$preset" "$step" "${result[$preset.$step.s]}" "${result[$preset.$step.mib]}"
    done
    echo "$preset: JSON ${result[$preset.json_mib]} MiB, snapshot ${result[$preset.snapshot_mib]} MiB"
done
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf (b > 0 ? "%.2f" : "n/a"), (b > 0 ? a / b : 0)}'; }
for preset in "${presets[@]}"; do
    echo "$preset import / parse floor: $(ratio "${result[$preset.import.s]}" "${result[$preset.parse_floor.s]}") (target <= 2)"
    echo "$preset import / borrow floor: $(ratio "${result[$preset.import.s]}" "${result[$preset.borrow_floor.s]}") (no target: the lighter document import itself parses into)"
    echo "$preset report / read floor:  $(ratio "${result[$preset.report.s]}" "${result[$preset.read_floor.s]}") (target <= 3)"
    floors_sum="$(awk -v a="${result[$preset.read_floor.s]}" -v b="${result[$preset.write_floor.s]}" 'BEGIN {print a + b}')"
    echo "$preset report / (read floor + write floor): $(ratio "${result[$preset.report.s]}" "$floors_sum") (no target: the report's own files, written, cost write_floor)"
done
if [ -n "${result[M.report.s]:-}" ] && [ -n "${result[L.report.s]:-}" ]; then
    echo "L / M import: $(ratio "${result[L.import.s]}" "${result[M.import.s]}") (target <= 4.4)"
    echo "L / M report: $(ratio "${result[L.report.s]}" "${result[M.report.s]}") (target <= 4.4)"
    echo "L report peak memory: ${result[L.report.mib]} MiB (target < 2048)"
fi
