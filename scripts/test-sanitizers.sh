#!/usr/bin/env bash
# Builds everything with clang, AddressSanitizer and UndefinedBehaviorSanitizer
# (Debug, in build-asan/), runs the whole test suite there, and fuzzes every
# parser that meets outside input for a short, bounded time (the fuzz.* tests,
# SPOTBURST_FUZZ_SECONDS each). Any sanitizer report fails the run.
# Usage: scripts/test-sanitizers.sh [CTEST_ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
# Paths relative to the checkout, so that a fresh clone elsewhere hits the cache.
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
build_dir=${SPOTBURST_ASAN_BUILD_DIR:-build-asan}
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_COMPILER=clang++-14 \
    -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
    -DSPOTBURST_SANITIZE=ON \
    -DSPOTBURST_BUILD_FUZZERS=ON \
    -DSPOTBURST_BUILD_BENCHMARKS=OFF
fi
cmake --build "$build_dir" -j 2
# A report ends the program with a failure; leaks are reports too. Reports
# go to files (report.PID, one per process) rather than into a test's
# output, where a daemon's long log would bury them; they are printed at the
# end, and any report fails the run, even one from a process whose exit code
# no test checked.
reports="$(cd "$build_dir" && pwd)/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:log_path=$reports/report
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$reports/report
# Leaks inside system libraries that the project cannot free, each explained.
export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan-suppressions.txt:print_suppressions=0
status=0
# A hang guard, not a timing: the docs' four-week frontier sweep takes
# 340-400 s here on a loaded machine.
ctest --test-dir "$build_dir" -j 2 --output-on-failure --timeout 900 "$@" ||
  status=$?
shopt -s nullglob
found=("$reports"/*)
first_report=""
if [ ${#found[@]} -gt 0 ]; then
  echo "sanitizer output (${#found[@]} files):"
  for report in "${found[@]}"; do
    echo "=== $report"
    head -c 20000 "$report"
    # Warnings alone (e.g. about stack switching) are shown, not failed.
    if grep -q "SUMMARY: " "$report"; then
      [ -n "$first_report" ] || first_report=$report
      [ "$status" -ne 0 ] || status=1
    fi
  done
fi
# The first report's opening lines once more, last, where a truncated log
# still shows them.
if [ -n "$first_report" ]; then
  echo "=== the first sanitizer report begins: $first_report"
  head -n 16 "$first_report"
fi
exit "$status"
