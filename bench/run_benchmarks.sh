#!/usr/bin/env bash
# Builds the benchmarks in a Release tree and runs each one, writing a JSON
# report per benchmark to bench/results/<name>.json and the console table to
# standard output.
#
#   bench/run_benchmarks.sh                # build-bench/, all benchmarks
#   BUILD_DIR=/tmp/b MIN_TIME=0.5 REPETITIONS=5 bench/run_benchmarks.sh
#   bench/run_benchmarks.sh --benchmark_filter=BM_ComputeBid
#
# Each benchmark runs REPETITIONS times (default 5) for at least MIN_TIME
# seconds each (default 0.2), which keeps the whole run well under two
# minutes on two cores; the console shows the mean, median, standard
# deviation and coefficient of variation, the JSON report every repetition
# as well. Extra arguments are passed to every benchmark binary. JOBS
# (default 2) is the build parallelism.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-${ROOT}/build-bench}"
RESULTS_DIR="${RESULTS_DIR:-${ROOT}/bench/results}"
MIN_TIME="${MIN_TIME:-0.2}"
REPETITIONS="${REPETITIONS:-5}"
JOBS="${JOBS:-2}"

generator=()
if command -v ninja >/dev/null 2>&1; then
  generator=(-G Ninja)
fi
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

if [[ ! -f "${BUILD_DIR}/CMakeCache.txt" ]]; then
  cmake -S "${ROOT}" -B "${BUILD_DIR}" "${generator[@]}" "${launcher[@]}" \
    -DCMAKE_BUILD_TYPE=Release \
    -DSPOTBURST_BUILD_TESTS=OFF \
    -DSPOTBURST_BUILD_BENCHMARKS=ON \
    -DSPOTBURST_BUILD_PROGRAMS=OFF \
    -DSPOTBURST_BUILD_SIDECAR=OFF
fi

mapfile -t names < <(find "${ROOT}/bench" -maxdepth 1 -name '*_benchmark.cc' \
  -printf '%f\n' | sed 's/\.cc$//' | sort)
if [[ ${#names[@]} -eq 0 ]]; then
  echo "run_benchmarks: no bench/*_benchmark.cc found" >&2
  exit 1
fi

cmake --build "${BUILD_DIR}" --parallel "${JOBS}" --target "${names[@]}"

mkdir -p "${RESULTS_DIR}"
echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ) load:$(cut -d' ' -f1-3 /proc/loadavg)"
for name in "${names[@]}"; do
  echo
  echo "== ${name}"
  "${BUILD_DIR}/bench/${name}" \
    --benchmark_min_time="${MIN_TIME}" \
    --benchmark_repetitions="${REPETITIONS}" \
    --benchmark_display_aggregates_only=true \
    --benchmark_out="${RESULTS_DIR}/${name}.json" \
    --benchmark_out_format=json \
    "$@"
done
echo
echo "== reports in ${RESULTS_DIR#"${ROOT}"/}/"
