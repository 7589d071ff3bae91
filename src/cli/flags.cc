// Flag definitions for the `spotburst` program.
#include "cli/flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, policy, "",
          "policy file (YAML or JSON); simulate and compare: several, "
          "comma-separated");
ABSL_FLAG(std::string, state, "",
          "evaluate: state file (JSON), or - for one JSON state per line on "
          "standard input");
ABSL_FLAG(std::string, trace, "",
          "spot price trace (CSV); evaluate: fill the state's markets from "
          "it at the state's time");
ABSL_FLAG(std::string, market, "",
          "bid: TYPE or TYPE/ZONE, e.g. m3.medium/us-east-1b");
ABSL_FLAG(std::string, at, "",
          "bid: time to bid at, RFC 3339 (default: the trace's last point)");
ABSL_FLAG(std::string, every, "",
          "bid: print a CSV series with one row per step, e.g. 6h");
ABSL_FLAG(std::string, format, "",
          "output: text or json (default: text, json for --state -)");
ABSL_FLAG(int64_t, max_line_bytes, int64_t{4} << 20,
          "evaluate --state=-: longest input line in bytes (default 4 MiB, "
          "the sidecar's default request size); a longer one gets an error "
          "line");
ABSL_FLAG(std::string, catalog, "data/instance_types.csv",
          "instance catalogue (CSV) for on-demand prices");
ABSL_FLAG(double, on_demand, 0,
          "bid: on-demand price USD/h (default: policy, then catalogue)");
ABSL_FLAG(std::string, scenario, "",
          "simulate, compare: scenario file (YAML or JSON)");
ABSL_FLAG(std::string, out, "",
          "simulate: directory for the CSV timelines and SVG charts "
          "(default: out/<scenario name>)");
ABSL_FLAG(double, service_level, 0.99,
          "compare: share of demand a policy must serve to be marked, 0..1");
ABSL_FLAG(std::string, progress, "auto",
          "simulate, compare: progress bar on standard error: auto (when "
          "it is a terminal), on or off");
ABSL_FLAG(bool, baselines, true,
          "compare: add the no-burst and on-demand-only baselines");
