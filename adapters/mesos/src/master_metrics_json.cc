// ParseMetricsSnapshot: the few keys of /metrics/snapshot the adapter
// uses, out of a flat object of several hundred metrics.
#include <simdjson.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "master_json.h"
#include "master_json_reading.h"

namespace spotburst::mesos {
namespace {

namespace od = json::od;

constexpr std::string_view kEndpoint = "/metrics/snapshot";

// The keys read, and where each goes.
enum Key {
  kElected,
  kCpusTotal,
  kCpusUsed,
  kMemTotal,
  kMemUsed,
  kDiskTotal,
  kDiskUsed,
  kGpusTotal,
  kGpusUsed,
  kAgentsActive,
  kUptime,
  kKeyCount
};
constexpr std::array<std::string_view, kKeyCount> kNames = {
    "master/elected",       "master/cpus_total", "master/cpus_used",
    "master/mem_total",     "master/mem_used",   "master/disk_total",
    "master/disk_used",     "master/gpus_total", "master/gpus_used",
    "master/slaves_active", "master/uptime_secs"};
// Required of the leader (master/elected: of every master).
constexpr std::array<Key, 6> kLeaderRequires = {
    kCpusTotal, kCpusUsed, kMemTotal, kMemUsed, kDiskTotal, kDiskUsed};

}  // namespace

absl::StatusOr<MetricsSnapshot> ParseMetricsSnapshot(std::string_view body) {
  json::Document document;
  od::object root;
  if (absl::Status status = json::OpenObject(kEndpoint, body, document, root);
      !status.ok()) {
    return status;
  }
  std::array<std::optional<double>, kKeyCount> values;
  json::Problem problem;
  for (auto member : root) {
    od::field f;
    if (simdjson::error_code error = std::move(member).get(f)) {
      return json::SyntaxError(kEndpoint, "", error);
    }
    // Every key read starts with "master/"; most of the others do not.
    const simdjson::ondemand::raw_json_string key = f.key();
    if (key.raw()[0] != 'm') continue;
    for (int k = 0; k < kKeyCount; ++k) {
      if (key != kNames[k]) continue;
      double value = 0;
      json::Problem value_problem;
      if (simdjson::error_code error =
              json::ReadQuantity(f.value(), kNames[k], value, value_problem)) {
        return json::SyntaxError(kEndpoint, kNames[k], error);
      }
      if (value_problem.found()) {
        problem.Set(value_problem.text());
      } else {
        values[k] = value;
      }
      break;
    }
  }
  if (absl::Status status = json::CheckEnd(kEndpoint, document); !status.ok()) {
    return status;
  }
  if (problem.found()) return json::Invalid(kEndpoint, "", problem.text());

  MetricsSnapshot snapshot;
  if (!values[kElected].has_value()) {
    return json::Invalid(kEndpoint, kNames[kElected], "is missing");
  }
  if (*values[kElected] != 0 && *values[kElected] != 1) {
    return json::Invalid(kEndpoint, kNames[kElected],
                         absl::StrCat(json::MesosScalarText(*values[kElected]),
                                      " is not 0 or 1"));
  }
  snapshot.elected = *values[kElected] == 1;
  if (snapshot.elected) {
    for (Key k : kLeaderRequires) {
      if (!values[k].has_value()) {
        return json::Invalid(
            kEndpoint, kNames[k],
            "is missing from the leader's snapshot (not ready within the "
            "snapshot's timeout?)");
      }
    }
  }
  snapshot.total = {.cpus = values[kCpusTotal].value_or(0),
                    .mem_mib = values[kMemTotal].value_or(0),
                    .disk_mib = values[kDiskTotal].value_or(0),
                    .gpus = values[kGpusTotal].value_or(0)};
  snapshot.used = {.cpus = values[kCpusUsed].value_or(0),
                   .mem_mib = values[kMemUsed].value_or(0),
                   .disk_mib = values[kDiskUsed].value_or(0),
                   .gpus = values[kGpusUsed].value_or(0)};
  snapshot.agents_active = values[kAgentsActive];
  snapshot.uptime_secs = values[kUptime];
  return snapshot;
}

}  // namespace spotburst::mesos
