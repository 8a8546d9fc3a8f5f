#!/usr/bin/env bash
# RUSTC_WRAPPER for the fuzz build (scripts/fuzz.sh sets it): adds AFL++'s coverage
# instrumentation to the crates whose code the fuzz targets run, and leaves every other
# crate (polars, reqwest, tokio, plotters...) a plain build.
#
# `cargo afl build` puts the same flags in RUSTFLAGS, which instruments all ~400 crates of
# supportlens's tree at opt-level 3 with one codegen unit: the polars part alone costs far
# more build time than the fuzzing, and none of it runs in these targets. The flags below
# are the ones cargo-afl 0.18 passes on stable Rust (no LLVM plugins), so the binaries talk
# to afl-fuzz exactly as `cargo afl build` ones do.
set -euo pipefail

rustc="$1"
shift

crate=""
kind=""
prev=""
for arg in "$@"; do
    case "$prev" in
        --crate-name) crate="$arg" ;;
        --crate-type) kind="$arg" ;;
    esac
    prev="$arg"
done

extra=()
case "$crate" in
    # supportlens, the targets, and the parsers they read with.
    supportlens | jira_json | adf | config | ics | \
        serde_json | serde_json_borrow | toml | toml_parser | toml_datetime | serde_spanned | \
        icalendar | nom | iso8601 | chrono | winnow)
        extra+=(
            -C debug-assertions
            -C overflow-checks
            # One codegen unit: sancov's guard sections split across units fail to link.
            -C codegen-units=1
            -C passes=sancov-module
            -C llvm-args=-sanitizer-coverage-level=3
            -C llvm-args=-sanitizer-coverage-trace-pc-guard
            -C llvm-args=-sanitizer-coverage-prune-blocks=0
            -C llvm-args=-sanitizer-coverage-trace-compares
        )
        ;;
esac
# Every linked artifact gets AFL++'s runtime, which defines the coverage callbacks.
case "$kind" in
    bin | proc-macro | dylib | cdylib)
        extra+=(-C "link-arg=${SUPPORTLENS_AFL_RUNTIME:?set by scripts/fuzz.sh}")
        ;;
esac
exec "$rustc" "$@" "${extra[@]}"
