#!/usr/bin/env bash
# Installs what is missing, builds everything, runs every test, then builds
# examples/embed against the installed package and runs it; then builds
# everything again under AddressSanitizer and UBSan (clang, build-asan/), runs
# every test there and fuzzes each parser briefly.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build_dir=${SPOTBURST_BUILD_DIR:-build}
ctest --test-dir "$build_dir" -j 2 --output-on-failure --timeout 300
scripts/check-embed.sh "$build_dir"
scripts/test-sanitizers.sh
