#!/usr/bin/env bash
# Runs the whole mutation corpus of tests/it/mutations.rs: every field of the first issue
# of every recorded payload (tests/fixtures/jira) nulled, deleted, emptied, retyped, made
# huge, given control characters, lone surrogates, invalid UTF-8, numbers and timestamps
# out of range; every file truncated, given byte-order marks, repeated keys, trailing
# bytes; deep nesting and a million issues. Each case goes through the library's reader
# and through `supportlens import` or `report --input` (debug build), held to exit 0 or 3,
# no panic, one line naming the file, nothing left in --data or --out. CI runs a sample.
#
#   scripts/mutate.sh [FOLDER...]     FOLDERs: more payloads, e.g. real JIRA exports
#
# SUPPORTLENS_MUTATION_BINARY_STRIDE=N runs only every Nth case through the binary (each
# binary run of a good file writes a snapshot, about 0.7 s). Exit status: cargo test's.
set -euo pipefail
cd "$(dirname "$0")/.."
inputs=""
for folder in "$@"; do
    inputs="${inputs:+$inputs:}$(cd "$folder" && pwd)"
done
SUPPORTLENS_MUTATION_INPUTS="$inputs" exec cargo test --test it \
    mutations::all_mutations_hold_to_the_contract -- --ignored --nocapture
