#!/usr/bin/env bash
# Compares a report read with window pruning against the same report reading every ticket
# (SUPPORTLENS_PRUNE=0): every CSV and run.json must be byte-identical.
#
#   scripts/prune-compare.sh BIN CONFIG DATA OUT WEEKS [REPORT FLAGS…]
set -euo pipefail
bin="$1" config="$2" data="$3" out="$4" weeks="$5"
shift 5
rm -rf "$out/pruned" "$out/full"
mkdir -p "$out/pruned" "$out/full"
SUPPORTLENS_PROGRESS=1 "$bin" --config "$config" --data "$data" report --weeks "$weeks" --out "$out/pruned" "$@" 2>&1 | grep -E "left out|decoded all" || true
SUPPORTLENS_PRUNE=0 "$bin" --config "$config" --data "$data" report --weeks "$weeks" --out "$out/full" "$@" >/dev/null
status=0
for f in "$out"/full/*/*.csv "$out"/full/*/run.json; do
    rel="${f#"$out"/full/}"
    if ! cmp -s "$f" "$out/pruned/$rel"; then
        echo "DIFFERS: $rel" >&2
        status=1
    fi
done
n=$(ls "$out"/full/*/*.csv | wc -l)
[ "$(ls "$out"/pruned/*/*.csv | wc -l)" = "$n" ] || { echo "DIFFERS: file count" >&2; status=1; }
echo "weeks $weeks: $n CSVs + run.json compared, $([ $status = 0 ] && echo identical || echo DIFFERENT)"
exit $status
