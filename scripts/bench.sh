#!/usr/bin/env bash
# Benchmarks supportlens as whole processes on the workloads of issues 6 and 17, and prints
# medians, peak memory and the ratios the targets are read from (see BENCHMARKS.md).
#
#   scripts/bench.sh                 M and L, 5 runs each
#   RUNS=3 scripts/bench.sh M        only M, 3 runs
#   RUNS=1 nice -n 10 scripts/bench.sh XL
#
# Workloads (generated once, seed 1, into $BENCH_DIR, default ~/.cache/supportlens-bench):
#   M  =    50,000 tickets,  60 engineers,  52 weeks  (JSON 0.4 GB)
#   L  =   200,000 tickets, 150 engineers, 104 weeks  (JSON 1.6 GB)
#   XL = 2,000,000 tickets, 400 engineers, 104 weeks  (JSON ~16 GB; 22 GB free needed)
# Timed: `import` into an empty snapshot, `report --weeks 104` and `report --weeks 8` from
# that snapshot, and the floors (examples/floors.rs): parsing the JSON without storing it
# (into serde_json's Value, and into the borrowed document import uses), reading the
# snapshot's tables once without computing anything, and writing files of the 104-week
# report's sizes (write_floor: into the page cache; write_synced: the same, then flushed to
# the disk with one syncfs, as the report flushes its folder before swapping it in; no
# target of its own, printed so the write floor's ratio can be read both ways).
#
# Every timed process is killed once its resident memory passes MAX_RSS_MIB (default
# 10240, polled every 0.5 s): on a shared machine a workload too big for it ends as a
# recorded kill (printed as ">seconds" and ">MiB") instead of the kernel's OOM killer
# choosing some other process. When `import` is killed, the snapshot is built from PARTS
# (default 4) consecutive parts of the JSONL imported one at a time and joined by `floors
# stitch` (untimed), so the report is still measured; a killed 104-week report skips
# write_floor ("-").
#
# REUSE=1 keeps a workload's snapshot from an earlier run ($BENCH_DIR/<workload>/runs/data)
# and times only what reads it (read_floor, the reports, write_floor): parse_floor,
# borrow_floor and import print "-". For XL, whose JSON takes ~16 GB and an hour of steps,
# this reruns the report figures in minutes.
#
# SUPPORTLENS_BIN and FLOORS_BIN name binaries to measure instead of building them (a
# copy of a release build, so that another build in the same target folder cannot
# replace them halfway through).
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step's progress lines go to its .err file: a killed step's last line says where it was.
export SUPPORTLENS_PROGRESS=1
RUNS="${RUNS:-5}"
MAX_RSS_MIB="${MAX_RSS_MIB:-10240}"
BENCH_DIR="${BENCH_DIR:-$HOME/.cache/supportlens-bench}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/supportlens-target}"
presets=("$@")
[ ${#presets[@]} -eq 0 ] && presets=(M L)

if [ ! -x /usr/bin/time ]; then
    echo "bench.sh: needs GNU time at /usr/bin/time (Debian package 'time')" >&2
    exit 2
fi

if [ -n "${SUPPORTLENS_BIN:-}" ] && [ -n "${FLOORS_BIN:-}" ]; then
    bin="$SUPPORTLENS_BIN"
    floors="$FLOORS_BIN"
else
    cargo build --release --locked --quiet --bin supportlens --example floors
    bin="$CARGO_TARGET_DIR/release/supportlens"
    floors="$CARGO_TARGET_DIR/release/examples/floors"
fi

# tickets, engineers and weeks of a workload
shape() {
    case "$1" in
        M) echo "50000 60 52" ;;
        L) echo "200000 150 104" ;;
        XL) echo "2000000 400 104" ;;
        *) echo "bench.sh: unknown workload '$1' (M, L or XL)" >&2; exit 2 ;;
    esac
}

steps=(parse_floor borrow_floor import read_floor report report_8w write_floor write_synced)

# run_capped ONE ERR CMD...: runs CMD under GNU time, writing "seconds peak_kib" to ONE, and
# kills it once its resident memory passes MAX_RSS_MIB; returns 9 after such a kill (ONE
# then holds the seconds until the kill and the peak seen), CMD's status otherwise.
run_capped() {
    local one="$1" err="$2"
    shift 2
    local cap_kib=$((MAX_RSS_MIB * 1024)) child="" rss seen=0 killed=0 started status=0
    started="$(date +%s.%N)"
    /usr/bin/time -f '%e %M' -o "$one" "$@" >/dev/null 2>"$err" &
    local timer=$!
    while kill -0 "$timer" 2>/dev/null; do
        [ -z "$child" ] && child="$(pgrep -P "$timer" | head -1 || true)"
        if [ -n "$child" ] && [ "$killed" = 0 ]; then
            rss=0
            while read -r key value _; do
                [ "$key" = "VmRSS:" ] && rss="$value"
            done 2>/dev/null <"/proc/$child/status" || true
            [ "$rss" -gt "$seen" ] && seen="$rss"
            if [ "$rss" -gt "$cap_kib" ]; then
                kill -KILL "$child" 2>/dev/null || true
                killed=1
                awk -v s="$started" -v e="$(date +%s.%N)" -v k="$seen" \
                    'BEGIN {printf "%.2f %d\n", e - s, k}' >"$one.killed"
            fi
        fi
        sleep 0.5
    done
    wait "$timer" || status=$?
    if [ "$killed" = 1 ]; then
        mv "$one.killed" "$one"
        return 9
    fi
    # GNU time puts "Command exited with non-zero status N" before the figures
    tail -1 "$one" >"$one.last" && mv "$one.last" "$one"
    return "$status"
}

# time_runs NAME SETUP CMD...: runs SETUP then CMD $RUNS times; records "seconds kib" lines,
# or one line "killed seconds kib" and no further run once CMD passes MAX_RSS_MIB.
time_runs() {
    local name="$1" setup="$2" status where
    shift 2
    : >"$work/$name.times"
    for _ in $(seq "$RUNS"); do
        eval "$setup"
        # Untimed: the previous run's files reach the disk first, so no run pays for the
        # write-back of the one before it (a 104-week L report leaves 330 MB of it).
        sync
        status=0
        run_capped "$work/$name.one" "$work/$name.err" "$@" || status=$?
        if [ "$status" = 9 ]; then
            where="$(grep '^supportlens: ' "$work/$name.err" | tail -1 || true)"
            echo "bench.sh: '$*' killed above $MAX_RSS_MIB MiB resident; last step done:" \
                "${where:-none (killed in its first step)}" >&2
            echo "killed $(cat "$work/$name.one")" >"$work/$name.times"
            return
        elif [ "$status" != 0 ]; then
            echo "bench.sh: '$*' failed:" >&2
            cat "$work/$name.err" >&2
            exit 1
        fi
        cat "$work/$name.one" >>"$work/$name.times"
    done
}

# import_in_parts: when `import` of the whole file was killed, builds the snapshot from
# $PARTS consecutive parts of the JSONL imported one at a time (each part's file removed
# once imported) and joined by `floors stitch`, so the report can still be measured. Not
# timed: it is not how a user imports.
import_in_parts() {
    local parts="${PARTS:-4}" lines per k from to dirs=()
    lines="$(wc -l <"$input/issues.jsonl")"
    per=$(((lines + parts - 1) / parts))
    echo "importing $preset in $parts parts of $per tickets, joined by 'floors stitch' (not timed)" >&2
    rm -rf "$data"
    for k in $(seq "$parts"); do
        from=$(((k - 1) * per + 1))
        to=$((k * per))
        sed -n "${from},${to}p;${to}q" "$input/issues.jsonl" >"$work/part.jsonl"
        run_capped "$work/part.one" "$work/part.err" "$bin" --config "$config" --data "$work/part-$k" \
            import "$work/part.jsonl" || {
            echo "bench.sh: importing part $k of $preset failed or passed $MAX_RSS_MIB MiB; try more PARTS:" >&2
            cat "$work/part.err" >&2
            exit 1
        }
        rm -f "$work/part.jsonl"
        dirs+=("$work/part-$k")
    done
    "$floors" stitch "$data" "${dirs[@]}" >/dev/null
    rm -rf "${dirs[@]}"
}

killed() { [ -f "$work/$1.times" ] && grep -q '^killed' "$work/$1.times"; }

# median seconds and peak MiB of a recorded step; ">" marks the figures of a killed run
median() {
    if killed "$1"; then
        awk '{print ">" $2}' "$work/$1.times"
    else
        sort -n "$work/$1.times" | awk '{t[NR]=$1} END {print (NR%2 ? t[(NR+1)/2] : (t[NR/2]+t[NR/2+1])/2)}'
    fi
}
peak() {
    if killed "$1"; then
        awk '{printf ">%.0f", $3/1024}' "$work/$1.times"
    else
        sort -n -k2 "$work/$1.times" | tail -1 | awk '{printf "%.0f", $2/1024}'
    fi
}

declare -A result
for preset in "${presets[@]}"; do
    read -r tickets engineers weeks <<<"$(shape "$preset")"
    dir="$BENCH_DIR/$preset"
    input="$dir/input"
    work="$dir/runs"
    data="$work/data"
    reuse=0
    if [ "${REUSE:-0}" = 1 ] && [ -s "$data/snapshot.json" ] && [ "$(cat "$input/.shape" 2>/dev/null)" = "$tickets $engineers $weeks" ]; then
        reuse=1
    fi
    if [ "$reuse" = 0 ] && { [ ! -s "$input/issues.jsonl" ] || [ "$(cat "$input/.shape" 2>/dev/null)" != "$tickets $engineers $weeks" ]; }; then
        rm -rf "$input"
        mkdir -p "$dir"
        # its JSON takes ~8 KB a ticket; 40 % more is kept free for one part of it (when
        # the import is done in parts), the snapshot and the reports
        need_mb=$((tickets * 8 * 14 / 10 / 1000))
        free_mb="$(df -Pm "$dir" | awk 'NR == 2 {print $4}')"
        if [ "$free_mb" -lt "$need_mb" ]; then
            echo "bench.sh: $preset needs about $need_mb MB free in $dir for its JSON, snapshot and reports; $free_mb MB are" >&2
            exit 2
        fi
        echo "generating $preset: $tickets tickets, $engineers engineers, $weeks weeks" >&2
        "$bin" generate --tickets "$tickets" --engineers "$engineers" --weeks "$weeks" --seed 1 --out "$input" >/dev/null
        echo "$tickets $engineers $weeks" >"$input/.shape"
    fi
    config="$input/supportlens.toml"
    if [ "$reuse" = 1 ]; then
        # everything of the earlier run but its snapshot
        find "$work" -mindepth 1 -maxdepth 1 ! -name data -exec rm -rf {} +
        echo "timing $preset ($RUNS runs each) on the snapshot kept in $data (REUSE=1)" >&2
    else
        rm -rf "$work"
        mkdir -p "$work"
        echo "timing $preset ($RUNS runs each)" >&2
        time_runs parse_floor ":" "$floors" parse "$input/issues.jsonl"
        time_runs borrow_floor ":" "$floors" borrow "$input/issues.jsonl"
        time_runs import "rm -rf '$data'" "$bin" --config "$config" --data "$data" import "$input/issues.jsonl"
        if killed import; then
            import_in_parts
        fi
    fi
    if [ -s "$data/snapshot.json" ]; then
        time_runs read_floor ":" "$floors" read "$data"
        time_runs report "rm -rf '$work/reports'" "$bin" --config "$config" --data "$data" report --weeks 104 --out "$work/reports"
        time_runs report_8w "rm -rf '$work/reports_8w'" "$bin" --config "$config" --data "$data" report --weeks 8 --out "$work/reports_8w"
        if ! killed report; then
            folder="$(find "$work/reports" -mindepth 1 -maxdepth 1 -type d ! -name '.*' | head -1)"
            time_runs write_floor "rm -rf '$work/written'" "$floors" write "$folder" "$work/written"
            time_runs write_synced "rm -rf '$work/written'" "$floors" write --synced "$folder" "$work/written"
            rm -rf "$work/written"
        fi
    fi
    for step in "${steps[@]}"; do
        if [ -s "$work/$step.times" ]; then
            result[$preset.$step.s]="$(median "$step")"
            result[$preset.$step.mib]="$(peak "$step")"
        else
            result[$preset.$step.s]="-"
            result[$preset.$step.mib]="-"
        fi
    done
    result[$preset.tickets]="$tickets"
    result[$preset.json_mib]="$(du -m "$input/issues.jsonl" 2>/dev/null | cut -f1 || echo -)"
    result[$preset.snapshot_mib]="$(du -cm "$data"/*.parquet 2>/dev/null | tail -1 | cut -f1)"
done

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "runs: $RUNS per step; seconds are medians of wall time, memory the largest peak RSS; processes killed above $MAX_RSS_MIB MiB"
printf '%-8s %-12s %10s %10s\n' workload step seconds peak_MiB
for preset in "${presets[@]}"; do
    for step in "${steps[@]}"; do
        printf '%-8s %-12s %10s %10s\n' "$preset" "$step" "${result[$preset.$step.s]}" "${result[$preset.$step.mib]}"
    done
    echo "$preset: JSON ${result[$preset.json_mib]} MiB, snapshot ${result[$preset.snapshot_mib]:--} MiB"
done
echo
# ratio A B: A / B to two decimals, or n/a when either was not measured (killed, skipped)
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b == 0) print "n/a"; else printf "%.2f", a / b }'
}
for preset in "${presets[@]}"; do
    echo "$preset import / parse floor: $(ratio "${result[$preset.import.s]}" "${result[$preset.parse_floor.s]}") (target <= 2)"
    echo "$preset import / borrow floor: $(ratio "${result[$preset.import.s]}" "${result[$preset.borrow_floor.s]}") (no target: the lighter document import itself parses into)"
    echo "$preset report / read floor:  $(ratio "${result[$preset.report.s]}" "${result[$preset.read_floor.s]}") (no target: withdrawn by issue 17)"
    floors_sum="$(awk -v a="${result[$preset.read_floor.s]}" -v b="${result[$preset.write_floor.s]}" 'BEGIN {
        if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/) print a + b; else print "-" }')"
    echo "$preset report / (read floor + write floor): $(ratio "${result[$preset.report.s]}" "$floors_sum") (target <= 3 on L)"
    synced_sum="$(awk -v a="${result[$preset.read_floor.s]}" -v b="${result[$preset.write_synced.s]}" 'BEGIN {
        if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/) print a + b; else print "-" }')"
    echo "$preset report / (read floor + synced write floor): $(ratio "${result[$preset.report.s]}" "$synced_sum") (no target: the write as durable as the report's own)"
    echo "$preset report 8 weeks / 104 weeks, time: $(ratio "${result[$preset.report_8w.s]}" "${result[$preset.report.s]}") (target <= 0.25 on L)"
    echo "$preset report 8 weeks / 104 weeks, peak memory: $(ratio "${result[$preset.report_8w.mib]}" "${result[$preset.report.mib]}") (target <= 0.35 on L)"
    for step in import report report_8w; do
        per="$(awk -v m="${result[$preset.$step.mib]}" -v t="${result[$preset.tickets]}" 'BEGIN {
            if (m ~ /^[0-9.]+$/) printf "%.1f KiB", m * 1024 / t; else print "n/a" }')"
        echo "$preset $step peak memory per ticket: $per"
    done
done
if [ -n "${result[M.report.s]:-}" ] && [ -n "${result[L.report.s]:-}" ]; then
    echo "L / M import: $(ratio "${result[L.import.s]}" "${result[M.import.s]}") (target <= 4.4)"
    echo "L / M report: $(ratio "${result[L.report.s]}" "${result[M.report.s]}") (target <= 4.4)"
    echo "L report peak memory: ${result[L.report.mib]} MiB (target < 2048)"
fi
if [ -n "${result[XL.report.s]:-}" ]; then
    echo "XL report peak memory: ${result[XL.report.mib]} MiB (target < 8192)"
fi
