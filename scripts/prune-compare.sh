#!/usr/bin/env bash
# Compares a report read with window pruning against the same report reading every ticket
# (SUPPORTLENS_PRUNE=0): every file of the report folder (CSV, run.json, pages, charts)
# must be byte-identical.
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
if ! diff <(cd "$out/full" && find . -type f | sort) <(cd "$out/pruned" && find . -type f | sort) >/dev/null; then
    echo "DIFFERS: the lists of files" >&2
    status=1
fi
files=$(cd "$out/full" && find . -type f | sort)
for f in $files; do
    if ! cmp -s "$out/full/$f" "$out/pruned/$f"; then
        echo "DIFFERS: $f" >&2
        status=1
    fi
done
n=$(echo "$files" | wc -l)
echo "weeks $weeks: $n files compared, $([ $status = 0 ] && echo identical || echo DIFFERENT)"
exit $status
