#!/usr/bin/env bash
# Builds the fuzz targets with libFuzzer on the stable toolchain (no
# cargo-fuzz, no nightly) and runs one of them over its corpus and seeds.
#
#   fuzz/run.sh TARGET [libFuzzer options]     e.g. fuzz/run.sh chunk -runs=10000000
#   fuzz/run.sh all [libFuzzer options]        every target in turn
#
# Targets: sse chunk catalog generation key session config dotenv error_body
# (src/fuzzing.rs says what each drives). Findings land in
# fuzz/artifacts/TARGET/; replay one with `fuzz/run.sh TARGET FILE`.
set -euo pipefail
cd "$(dirname "$0")"

targets=(sse chunk catalog generation key session config dotenv error_body)
target=${1:?usage: fuzz/run.sh TARGET|all [libFuzzer options]; targets: ${targets[*]}}
shift

# The coverage instrumentation cargo-fuzz uses, with stable flags only. The
# explicit --target keeps it off build scripts and proc macros.
host=$(rustc -vV | sed -n 's/^host: //p')
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing"
cargo build --release --target "$host" --bins

run() {
    local name=$1
    shift
    mkdir -p "corpus/$name" "artifacts/$name"
    "target/$host/release/$name" -artifact_prefix="artifacts/$name/" -dict=hostile.dict \
        "$@" "corpus/$name" "seeds/$name"
}

if [ "$target" = all ]; then
    for name in "${targets[@]}"; do
        run "$name" "$@"
    done
else
    run "$target" "$@"
fi
