// Flags shared by the `spotburst` subcommands (defined in flags.cc).
#ifndef SPOTBURST_CLI_FLAGS_H_
#define SPOTBURST_CLI_FLAGS_H_

#include <cstdint>
#include <string>

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
ABSL_DECLARE_FLAG(std::string, progress);
ABSL_DECLARE_FLAG(bool, baselines);

#endif  // SPOTBURST_CLI_FLAGS_H_
