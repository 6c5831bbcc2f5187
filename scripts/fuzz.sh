#!/usr/bin/env bash
# Runs the cargo-fuzz targets (fuzz/fuzz_targets) under libFuzzer on the stable toolchain: the
# instrumentation `cargo fuzz run --sanitizer none` adds, without needing cargo-fuzz installed.
#
#   scripts/fuzz.sh                      # every target, FUZZ_SECONDS (10) each: what CI runs
#   FUZZ_SECONDS=3600 scripts/fuzz.sh html_extract   # the long run of one target
#
# Crashes land in fuzz/artifacts/<target>/; rerun one with `fuzz/target/release/<target> <file>`,
# then make it a regression test next to the code it broke.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs="${FUZZ_SECONDS:-10}"
if [ "$#" -gt 0 ]; then targets=("$@"); else
  targets=(record_parser text_cleaner html_extract annotators pipeline)
fi
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
# An explicit --target keeps the instrumentation out of build scripts and proc macros.
triple="$(rustc -vV | sed -n 's/^host: //p')"
cargo build --release --locked --bins --target "$triple"
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  echo "== fuzz $t for ${secs}s"
  # New inputs go to corpus/ (not committed). The starting points: fuzz/seeds/<target>/ (messages)
  # or, for the text and HTML targets, the test fixtures (the seed article, the news site).
  seeds=()
  [ -d "seeds/$t" ] && seeds+=("seeds/$t")
  case "$t" in text_cleaner|html_extract|annotators) seeds+=("../tests/fixtures") ;; esac
  "target/$triple/release/$t" "corpus/$t" "${seeds[@]}" -max_total_time="$secs" -timeout=10 \
    -rss_limit_mb=2048 -max_len=262144 -artifact_prefix="artifacts/$t/" -print_final_stats=1 2>&1 \
    | grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|==[0-9]+== ERROR|SUMMARY|Test unit written)" || true
  if [ -n "$(ls -A "artifacts/$t")" ]; then
    echo "fuzz $t found a crash: fuzz/artifacts/$t/" >&2
    exit 1
  fi
done
