#!/usr/bin/env bash
# The main demonstration: installs what is missing, builds the `spotburst`
# program and runs it over the real spot price traces in data/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh spotburst
spotburst=${SPOTBURST_BUILD_DIR:-build}/src/spotburst
old_trace=data/spot_us-east-1_2015-03_2015-07_m3.medium.csv
new_trace=data/spot_us-east-1_2021-03_2021-05_c4.large.csv

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "The example policies (the prototype's experiments and a modern one)"
"$spotburst" validate examples/policies/*.yaml

step "What each bidding strategy bids on m3.medium in us-east-1b, 2015, during a price spike"
"$spotburst" bid --trace "$old_trace" --market m3.medium/us-east-1b \
  --policy examples/policies/experiment1-scale-up.yaml --at 2015-06-09T10:30:00Z

step "The same market, every 12 hours around the spike (CSV)"
"$spotburst" bid --trace "$old_trace" --market m3.medium/us-east-1b \
  --policy examples/policies/experiment1-scale-up.yaml \
  --every 12h --at 2015-06-12T00:00:00Z | awk -F, 'NR==1 || $1 >= "2015-06-06"'

step "Experiment 1 at the spike: the prototype's rule bids current + 0.001, capped at 0.5"
"$spotburst" evaluate --policy examples/policies/experiment1-scale-up.yaml \
  --state examples/states/spike-2015.json --trace "$old_trace"

step "Experiment 2's listing: five idle instances, partial-hour limit 20 min (c4.large, 2021 prices)"
"$spotburst" evaluate --policy examples/policies/experiment2-scale-down.yaml \
  --state examples/states/experiment2-listing.json --trace "$new_trace"

step "A stuck spot request with on-demand fallback, target scaling and a cost ceiling"
"$spotburst" evaluate --policy examples/policies/on-demand-fallback.yaml \
  --state examples/states/scale-up.json --trace "$new_trace"

step "Bulk mode: one JSON state per line in, one JSON plan per line out"
for state in examples/states/scale-up.json examples/states/experiment2-listing.json; do
  tr -d '\n' < "$state"; echo
done | "$spotburst" evaluate --policy examples/policies/experiment1-revised.yaml \
  --state=- --trace "$new_trace" | cut -c1-200
