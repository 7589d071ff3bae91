#!/usr/bin/env bash
# The main demonstration: installs what is missing, builds the `spotburst`
# program, replays the prototype's three experiments through the simulator
# over the real spot price traces in data/, compares policies on four weeks
# of real demand and prices, and shows single decisions with their reasons.
# Charts, CSV timelines and instance ledgers go to out/; the README's chart
# is out/showcase/target-current-plus.svg (docs/showcase-week.svg).

# A heading: bold on a terminal, plain text (no escape codes) when the
# output goes to a pipe or a file.
step() {
  if [ -t 1 ]; then
    printf '\n\033[1m== %s\033[0m\n' "$*"
  else
    printf '\n== %s\n' "$*"
  fi
}

main() {
  set -euo pipefail
  cd "$(dirname "$0")/.."
  scripts/install-deps.sh
  scripts/build.sh spotburst
  spotburst=${SPOTBURST_BUILD_DIR:-build}/src/spotburst
  old_trace=data/spot_us-east-1_2015-03_2015-07_m3.medium.csv
  new_trace=data/spot_us-east-1_2021-03_2021-05_c4.large.csv

  step "Experiment 1: scaling up on the volatile 2015 m3.medium market, padding 0.001"
  "$spotburst" simulate --scenario examples/scenarios/experiment1-scale-up.yaml --out out/experiments

  step "Experiment 1 revised: c4.large on a stable market, padding 0.1, burst point 0.75, max 10"
  "$spotburst" simulate --scenario examples/scenarios/experiment1-revised.yaml --out out/experiments

  step "Experiment 2: scaling down with a 20-minute partial-hour limit"
  "$spotburst" simulate --scenario examples/scenarios/experiment2-scale-down.yaml --out out/experiments

  step "What bursting is for: a week of real demand on 2021 c4.large spot prices (the README's chart)"
  "$spotburst" simulate --scenario examples/scenarios/showcase-week.yaml --out out/showcase

  step "Which policy would have served best? Four weeks of Bitbrains demand on 2021 c4.large prices"
  "$spotburst" compare --scenario examples/scenarios/compare-2021-four-weeks.yaml \
    --service_level 0.97

  step "Single decisions: the prototype's scale-down listing (five idle instances, limit 20 min)"
  "$spotburst" evaluate --policy examples/policies/experiment2-scale-down.yaml \
    --state examples/states/experiment2-listing.json --trace "$new_trace"

  step "A stuck spot request with on-demand fallback, target scaling and a cost ceiling"
  "$spotburst" evaluate --policy examples/policies/on-demand-fallback.yaml \
    --state examples/states/scale-up.json --trace "$new_trace"

  step "What each bidding strategy bids on m3.medium in us-east-1b during the June 2015 spike"
  "$spotburst" bid --trace "$old_trace" --market m3.medium/us-east-1b \
    --policy examples/policies/experiment1-scale-up.yaml --at 2015-06-09T10:30:00Z

  step "Charts (SVG), timelines and instance ledgers (CSV)"
  ls out/experiments/ out/showcase/
}

# Sourced (as the tests do), the script only defines its helpers.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
