#!/usr/bin/env bash
# Installs what is missing, builds everything, runs every test, then builds
# examples/embed against the installed package and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build_dir=${SPOTBURST_BUILD_DIR:-build}
ctest --test-dir "$build_dir" -j 2 --output-on-failure --timeout 300
scripts/check-embed.sh "$build_dir"
