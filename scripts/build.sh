#!/usr/bin/env bash
# Configures (once) and builds the project with ccache and -j2.
# Usage: scripts/build.sh [TARGET...]   (no target: everything)
# SPOTBURST_BUILD_DIR picks the build directory (default build/).
set -euo pipefail
cd "$(dirname "$0")/.."
# Paths relative to the checkout, so that a fresh clone elsewhere hits the cache.
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
build_dir=${SPOTBURST_BUILD_DIR:-build}
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build_dir" -j 2 "${targets[@]}"
