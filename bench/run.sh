#!/bin/sh
# Benchmark of issue 5: kbc against the floor program, side by side.
# Usage: bench/run.sh [CORPUS] [--runs N]   (CORPUS defaults to ../shared/corpus)
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin kbc --example floor --example bench
exec target/release/examples/bench "$@"
