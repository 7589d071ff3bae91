// Flag definitions for the `spotburst` program, and what each command
// documents of them.
#include "cli/flags.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

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
          "bid: time to bid at, RFC 3339 such as 2015-06-09T10:30:00Z "
          "(default: the trace's last point)");
ABSL_FLAG(std::string, every, "",
          "bid: print a CSV series with one row per step, e.g. 6h");
ABSL_FLAG(std::string, format, "",
          "output: text or json (default: text, json for --state -); sweep, "
          "ceiling: text or csv");
ABSL_FLAG(int64_t, max_line_bytes, int64_t{4} << 20,
          "evaluate --state=-: longest input line, bytes (4 MiB, the "
          "sidecar's default request size); a longer one gets an error line");
ABSL_FLAG(std::string, catalog, spotburst::cli::kDefaultCatalog,
          "instance catalogue (CSV) for on-demand prices");
ABSL_FLAG(double, on_demand, 0,
          "bid: on-demand price, USD/h (0: the policy's, then the "
          "catalogue's)");
ABSL_FLAG(std::string, scenario, "",
          "simulate, compare, sweep, ceiling: scenario file (YAML or JSON)");
ABSL_FLAG(std::string, out, "",
          "simulate: directory for the CSV timelines and SVG charts "
          "(default: out/<scenario name>)");
ABSL_FLAG(double, service_level, 0.99,
          "compare: share of demand a policy must serve to be marked, 0..1");
ABSL_FLAG(std::string, progress, "auto",
          "simulate, compare, sweep: progress bar on standard error: auto "
          "(when it is a terminal), on or off");
ABSL_FLAG(int, threads, 0,
          "compare, sweep: policies run at once (0: one per core); the table "
          "is the same whatever the number");
ABSL_FLAG(bool, baselines, true,
          "compare: add the no-burst and on-demand-only baselines");
ABSL_FLAG(std::string, grid, "",
          "sweep: grid file (YAML): a base policy and the values to try of "
          "policy fields");
ABSL_FLAG(std::string, sort, "grid",
          "sweep: row order, grid (as the grid enumerates) or cost");
ABSL_FLAG(std::string, chart, "",
          "sweep: write an SVG chart of cost against demand served here");
ABSL_FLAG(double, within, 0,
          "ceiling: also give the most served at no more than this multiple "
          "of the yardstick (0: not)");
ABSL_FLAG(std::string, mesos, "",
          "cluster: how to reach the Mesos cluster (YAML or JSON, "
          "proto/spotburst/v1/mesos.proto)");

ABSL_FLAG(std::string, target, "127.0.0.1:50551",
          "status, pause, resume, watch: spotburstd's address, HOST:PORT");
ABSL_FLAG(std::string, tls_ca, "",
          "status, pause, resume, watch: CA of the daemon's certificate (PEM); "
          "turns TLS on");
ABSL_FLAG(std::string, tls_cert, "",
          "status, pause, resume, watch: client certificate (PEM), mutual TLS");
ABSL_FLAG(std::string, tls_key, "",
          "status, pause, resume, watch: client private key (PEM), mutual TLS");
ABSL_FLAG(std::string, tls_server_name, "",
          "status, pause, resume, watch: name to check the daemon's "
          "certificate against (default: the target's host)");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(10),
          "status, pause, resume: deadline of the call");
ABSL_FLAG(std::string, reason, "",
          "pause, resume: why, for the daemon's status and log");
ABSL_FLAG(bool, last, false, "watch: start with the most recent decision");

namespace spotburst::cli {
namespace {

// The flags every daemon command takes, after its own.
std::vector<FlagDoc> DaemonFlags(std::vector<FlagDoc> own) {
  own.insert(
      own.end(),
      {{"target", "HOST:PORT", "spotburstd's address"},
       {"tls_ca", "FILE",
        "CA of the daemon's certificate (PEM); turns TLS on (without any "
        "--tls_ flag: plaintext, as on loopback)"},
       {"tls_cert", "FILE",
        "client certificate (PEM) for mutual TLS, with --tls_key"},
       {"tls_key", "FILE", "the client certificate's private key (PEM)"},
       {"tls_server_name", "NAME",
        "name to check the daemon's certificate against; empty: the "
        "target's host"}});
  return own;
}

const FlagDoc kTimeout{"timeout", "DURATION",
                       "how long to wait for the daemon's answer, e.g. 10s or "
                       "500ms"};
constexpr char kDaemonOptions[] =
    "[--target HOST:PORT] [--tls_ca FILE] [--tls_cert FILE --tls_key FILE] "
    "[--tls_server_name NAME]";

const FlagDoc kProgress{
    "progress", "auto|on|off",
    "progress bar on standard error: auto draws it when standard error is a "
    "terminal"};

std::vector<CommandDoc> MakeCommands() {
  return {
      {"validate",
       "validate POLICY...",
       "checks policy files (YAML or JSON); prints a summary of each, or the "
       "first error",
       {}},
      {"bid",
       "bid --trace FILE --market TYPE[/ZONE] [--policy FILE] [--at TIME] "
       "[--every DURATION] [--on_demand USD/h] [--catalog FILE]",
       "what each bidding strategy would bid on a price trace, and how each "
       "bid was made (all prices USD per instance-hour)",
       {{"trace", "FILE",
         "spot price trace (CSV: timestamp, region, availability_zone, "
         "instance_type, product, price_usd_per_hour)"},
        {"market", "TYPE[/ZONE]",
         "the market to bid in, e.g. m3.medium/us-east-1b; without a zone, "
         "every zone of the type in the trace"},
        {"policy", "FILE",
         "policy whose bidding settings (max bid, padding, window...) apply; "
         "without one, the defaults"},
        {"at", "TIME",
         std::string("time to bid at, ") + kAtFormat +
             "; empty: the trace's last point"},
        {"every", "DURATION",
         "print a CSV series instead, one row per step up to --at, e.g. 6h "
         "or 30m"},
        {"on_demand", "USD/h",
         "on-demand price the strategies see; 0 takes the policy's (when it "
         "names the same type), then the catalogue's"},
        {"catalog", "FILE",
         "instance catalogue (CSV) that gives on-demand prices by region, "
         "type and date; the default is read here, else from the "
         "installation (share/spotburst)"}}},
      {"evaluate",
       "evaluate --policy FILE --state FILE|- [--trace FILE] "
       "[--format text|json] [--max_line_bytes BYTES]",
       "the plan for a state (JSON); with --state -, one JSON state per line "
       "on standard input and one JSON plan per line on standard output",
       {{"policy", "FILE", "policy file (YAML or JSON)"},
        {"state", "FILE|-",
         "state file (JSON), or - for one JSON state per line on standard "
         "input"},
        {"trace", "FILE",
         "spot price trace (CSV) that fills the state's markets at the "
         "state's time (needed when the state carries no markets)"},
        {"format", "text|json",
         "output format; empty: text for a file, json for --state -"},
        {"max_line_bytes", "BYTES",
         "with --state -: longest input line (4 MiB, the sidecar's default "
         "request size); a longer one gets an error line"}}},
      {"strategies",
       "strategies",
       "the registered bidding and scaling strategies",
       {}},
      {"replay",
       "replay LOG... [--policy FILE] [--max_decision_bytes BYTES]",
       "makes every decision in spotburstd's decision log again (under the "
       "recorded policy, or --policy) and reports each one whose plan changes",
       {{"policy", "FILE",
         "replay every decision under this policy instead of the recorded "
         "one"},
        {"max_decision_bytes", "BYTES",
         "longest decision log line read (256 MiB); a longer line is an "
         "error naming it"}}},
      {"simulate",
       "simulate --scenario FILE [--policy FILE[,FILE...]] [POLICY...] "
       "[--out DIR] [--progress auto|on|off]",
       "replays the scenario through each policy (default: the scenario's "
       "policies); prints a summary of each and writes a CSV timeline and an "
       "SVG chart per policy",
       {{"scenario", "FILE", "scenario file (YAML or JSON)"},
        {"policy", "FILE[,FILE...]",
         "policies to run instead of the scenario's (more may follow as "
         "arguments)"},
        {"out", "DIR",
         "directory for the CSV timelines and SVG charts; empty: "
         "out/<scenario name>"},
        kProgress}},
      {"cluster",
       "cluster --mesos FILE [--format text|json]",
       "reads a Mesos cluster once, as spotburst's Mesos adapter sees it: "
       "private capacity, usage, burst agents, and the demand that waits "
       "(queued for resources, or held back); acts on nothing",
       {{"mesos", "FILE",
         "the cluster: masters or ZooKeeper, Marathon, the private selector, "
         "burst attributes, credentials (YAML or JSON)"},
        {"format", "text|json",
         "text for people; json: the cluster part of an evaluation state"}}},
      {"compare",
       "compare --scenario FILE [--policy FILE[,FILE...]] [POLICY...] "
       "[--service_level 0..1] [--baselines=false] [--threads N] "
       "[--progress auto|on|off]",
       "runs every policy, plus the no-burst and on-demand-only baselines, "
       "over the same traces; one table of cost (USD) against unmet demand, "
       "with the cheapest policy that met the service level marked",
       {{"scenario", "FILE", "scenario file (YAML or JSON)"},
        {"policy", "FILE[,FILE...]",
         "policies to run instead of the scenario's (more may follow as "
         "arguments)"},
        {"service_level", "0..1",
         "share of demand a policy must serve to be marked"},
        {"baselines", "true|false",
         "add the no-burst and on-demand-only baselines"},
        {"threads", "N",
         "policies run at once, 0: one per core (the default); the table is "
         "the same whatever N"},
        kProgress}},
      {"sweep",
       "sweep --scenario FILE --grid FILE [--format text|csv] "
       "[--sort grid|cost] [--chart FILE] [--threads N] "
       "[--progress auto|on|off]",
       "runs a base policy with every combination of the grid's settings "
       "over the scenario; one row per combination: the settings, cost "
       "(USD), cost over the yardstick (compare's reference), demand served "
       "(%), interruptions, with the Pareto front marked",
       {{"scenario", "FILE", "scenario file (YAML or JSON)"},
        {"grid", "FILE",
         "grid file (YAML): policy (a file or inline) and settings, each a "
         "policy field path with a list of values, e.g. "
         "scaling.burst_point: [0.6, 0.7]; at most 10000 combinations"},
        {"format", "text|csv", "output format; empty: text"},
        {"sort", "grid|cost",
         "grid: rows as the grid enumerates them (the last setting varying "
         "fastest); cost: cheapest first"},
        {"chart", "FILE",
         "also write an SVG chart of cost against demand served, the Pareto "
         "front joined and its settings listed"},
        {"threads", "N",
         "runs at once, 0: one per core (the default); the table is the same "
         "whatever N"},
        kProgress}},
      {"ceiling",
       "ceiling --scenario FILE [--policy FILE] [--within R] "
       "[--format text|csv]",
       "what idealised online fleets could serve, for what cost: every rule "
       "of a fixed family (the most needed over a window, plus headroom, "
       "plus shares of recent and yesterday's rises) run with the shortest "
       "boot, for spot too, and no billing rules; the Pareto front against "
       "the yardstick (compare's reference)",
       {{"scenario", "FILE", "scenario file (YAML or JSON)"},
        {"policy", "FILE",
         "the policy whose instance shape, types and baseline define the "
         "units (default: the scenario's first)"},
        {"within", "R",
         "also give the most served at no more than R times the yardstick"},
        {"format", "text|csv", "output format; csv: every rule"}}},
      {"status",
       absl::StrCat("status ", kDaemonOptions,
                    " [--timeout DURATION] [--format text|json]"),
       "what a running spotburstd's control loop sees and last did: mode, "
       "paused, dry run, policy, the last tick and plan, the fleet, recent "
       "errors",
       DaemonFlags({kTimeout,
                    {"format", "text|json",
                     "text for people; json: the ControllerStatus message"}})},
      {"pause",
       absl::StrCat("pause ", kDaemonOptions,
                    " [--reason TEXT] [--timeout DURATION]"),
       "pauses spotburstd's control loop: it keeps planning but applies "
       "nothing until resumed; returns once every later tick obeys",
       DaemonFlags({{"reason", "TEXT",
                     "why, for the daemon's status and log (at most 256 "
                     "characters)"},
                    kTimeout})},
      {"resume",
       absl::StrCat("resume ", kDaemonOptions,
                    " [--reason TEXT] [--timeout DURATION]"),
       "resumes a paused control loop: later ticks apply their plans again",
       DaemonFlags(
           {{"reason", "TEXT", "why, for the daemon's log"}, kTimeout})},
      {"watch",
       absl::StrCat("watch ", kDaemonOptions, " [--last] [--format text|json]"),
       "prints each decision spotburstd's control loop makes, as it makes "
       "it, until interrupted (Ctrl-C) or the daemon stops",
       DaemonFlags(
           {{"last", "true|false", "start with the most recent decision"},
            {"format", "text|json",
             "text: one line per decision; json: each "
             "WatchDecisionsResponse as one line"}})},
  };
}

}  // namespace

const std::vector<CommandDoc>& Commands() {
  static const std::vector<CommandDoc>* commands =
      new std::vector<CommandDoc>(MakeCommands());
  return *commands;
}

}  // namespace spotburst::cli
