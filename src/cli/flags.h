// Flags shared by the `spotburst` subcommands (defined in flags.cc), and the
// table of commands that `spotburst --help` and `spotburst COMMAND --help`
// print: each command lists only the flags it reads.
#ifndef SPOTBURST_CLI_FLAGS_H_
#define SPOTBURST_CLI_FLAGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/time/time.h"

ABSL_DECLARE_FLAG(std::string, policy);
ABSL_DECLARE_FLAG(std::string, state);
ABSL_DECLARE_FLAG(std::string, trace);
ABSL_DECLARE_FLAG(std::string, market);
ABSL_DECLARE_FLAG(std::string, at);
ABSL_DECLARE_FLAG(std::string, every);
ABSL_DECLARE_FLAG(std::string, format);
ABSL_DECLARE_FLAG(int64_t, max_line_bytes);
ABSL_DECLARE_FLAG(std::string, catalog);
ABSL_DECLARE_FLAG(double, on_demand);
ABSL_DECLARE_FLAG(std::string, scenario);
ABSL_DECLARE_FLAG(std::string, out);
ABSL_DECLARE_FLAG(double, service_level);
ABSL_DECLARE_FLAG(int, threads);
ABSL_DECLARE_FLAG(std::string, progress);
ABSL_DECLARE_FLAG(bool, baselines);
ABSL_DECLARE_FLAG(std::string, grid);
ABSL_DECLARE_FLAG(std::string, sort);
ABSL_DECLARE_FLAG(std::string, chart);
ABSL_DECLARE_FLAG(double, within);
ABSL_DECLARE_FLAG(std::string, mesos);
ABSL_DECLARE_FLAG(std::string, target);
ABSL_DECLARE_FLAG(std::string, tls_ca);
ABSL_DECLARE_FLAG(std::string, tls_cert);
ABSL_DECLARE_FLAG(std::string, tls_key);
ABSL_DECLARE_FLAG(std::string, tls_server_name);
ABSL_DECLARE_FLAG(absl::Duration, timeout);
ABSL_DECLARE_FLAG(std::string, reason);
ABSL_DECLARE_FLAG(bool, last);

namespace spotburst::cli {

// --catalog's default: the checkout's catalogue, or else (an installed
// program run elsewhere) the installation's. Any other path is read as
// given.
inline constexpr char kDefaultCatalog[] = "data/instance_types.csv";

// The time format --at takes, for its help and its error.
inline constexpr char kAtFormat[] =
    "an RFC 3339 time such as 2015-06-09T10:30:00Z";

// One flag as a command documents it: `value` names what it takes, with its
// unit (FILE, USD/h, BYTES...); the default comes from the flag itself.
struct FlagDoc {
  std::string name;
  std::string value;
  std::string help;
};

struct CommandDoc {
  std::string name;
  // The usage line(s) after "spotburst ", e.g. "bid --trace FILE ...".
  std::string synopsis;
  std::string summary;
  std::vector<FlagDoc> flags;
};

// Every command, in the order `spotburst --help` lists them.
const std::vector<CommandDoc>& Commands();

}  // namespace spotburst::cli

#endif  // SPOTBURST_CLI_FLAGS_H_
