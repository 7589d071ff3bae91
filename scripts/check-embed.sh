#!/usr/bin/env bash
# Checks that an installed spotburst can be used by another CMake project:
# installs BUILD_DIR into a temporary prefix, configures and builds
# examples/embed against it with find_package(spotburst), and runs the
# example, which exits non-zero unless its plan requests one spot instance.
#
#   scripts/check-embed.sh BUILD_DIR
#
# BUILD_DIR must already be configured and built (e.g. with
# -DSPOTBURST_BUILD_TESTS=OFF -DSPOTBURST_BUILD_BENCHMARKS=OFF
# -DSPOTBURST_BUILD_SIDECAR=OFF for a quick one). The last
# line printed is "check-embed: OK ..." or "check-embed: FAILED ...".
# Set KEEP=1 to keep the temporary directory for inspection.
set -uo pipefail

fail() {
  echo "check-embed: FAILED: $*" >&2
  exit 1
}

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
[[ -f "$1/CMakeCache.txt" ]] || fail "$1 is not a configured CMake build dir"
BUILD_DIR="$(cd "$1" && pwd)"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="${JOBS:-2}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/spotburst-embed.XXXXXX")" ||
  fail "cannot make a temporary directory"
if [[ "${KEEP:-0}" == 1 ]]; then
  echo "check-embed: keeping ${WORK}"
else
  trap 'rm -rf "${WORK}"' EXIT
fi
PREFIX="${WORK}/prefix"
EMBED_BUILD="${WORK}/build-embed"

generator=()
if command -v ninja >/dev/null 2>&1; then
  generator=(-G Ninja)
fi

echo "check-embed: installing ${BUILD_DIR} into ${PREFIX}"
cmake --install "${BUILD_DIR}" --prefix "${PREFIX}" >"${WORK}/install.log" 2>&1 ||
  { cat "${WORK}/install.log" >&2; fail "cmake --install ${BUILD_DIR} (is it built?)"; }

echo "check-embed: configuring examples/embed against ${PREFIX}"
cmake -S "${ROOT}/examples/embed" -B "${EMBED_BUILD}" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="${PREFIX}" ||
  fail "configuring examples/embed with find_package(spotburst)"

echo "check-embed: building examples/embed"
cmake --build "${EMBED_BUILD}" --parallel "${JOBS}" ||
  fail "building examples/embed against the installed package"

echo "check-embed: running the example"
"${EMBED_BUILD}/spotburst_embed_example" ||
  fail "spotburst_embed_example exited with status $?"

echo "check-embed: OK: examples/embed built against the installed spotburst and ran"
