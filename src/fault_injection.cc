// Adapter decorators that fail, time out or answer wrongly at random.
#include "spotburst/fault_injection.h"

#include <cmath>
#include <limits>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"

namespace spotburst {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const char* FaultName(Fault fault) {
  switch (fault) {
    case Fault::kNone:
      return "none";
    case Fault::kFail:
      return "fail";
    case Fault::kTimeout:
      return "timeout";
    case Fault::kWrong:
      return "wrong answer";
  }
  return "?";
}

absl::Status Injected(Fault fault, const char* call) {
  if (fault == Fault::kTimeout) {
    return absl::DeadlineExceededError(
        absl::StrCat(call, ": injected timeout"));
  }
  return absl::UnavailableError(absl::StrCat(call, ": injected failure"));
}

}  // namespace

FaultInjector::FaultInjector(uint64_t seed, FaultRates rates)
    : random_(seed), rates_(rates) {}

uint64_t FaultInjector::Uniform(uint64_t n) {
  return n == 0 ? 0
                : std::uniform_int_distribution<uint64_t>(0, n - 1)(random_);
}

Fault FaultInjector::Draw(const char* call) {
  const double u = std::uniform_real_distribution<double>(0, 1)(random_);
  Fault fault = Fault::kNone;
  if (u < rates_.fail) {
    fault = Fault::kFail;
  } else if (u < rates_.fail + rates_.timeout) {
    fault = Fault::kTimeout;
  } else if (u < rates_.fail + rates_.timeout + rates_.wrong) {
    fault = Fault::kWrong;
  }
  if (fault != Fault::kNone) {
    log_.push_back(absl::StrCat(call, ": ", FaultName(fault)));
  }
  return fault;
}

std::vector<std::string> FaultInjector::TakeLog() {
  return std::exchange(log_, {});
}

absl::StatusOr<ClusterState> FaultyMetricsSource::Snapshot() {
  const Fault fault = faults_.Draw("Snapshot");
  if (fault == Fault::kFail || fault == Fault::kTimeout) {
    return Injected(fault, "Snapshot");
  }
  absl::StatusOr<ClusterState> state = inner_.Snapshot();
  if (fault == Fault::kWrong && state.ok()) {
    switch (faults_.Uniform(3)) {
      case 0:
        state->used.cpus = kNaN;
        break;
      case 1:
        state->used.mem_mib = -1;
        break;
      default:
        state->queued.cpus = std::numeric_limits<double>::infinity();
        break;
    }
  }
  return state;
}

absl::StatusOr<PriceHistory> FaultyPriceFeed::History(const Market& market,
                                                      absl::Time from,
                                                      absl::Time to) {
  const Fault fault = faults_.Draw("History");
  if (fault == Fault::kFail || fault == Fault::kTimeout) {
    return Injected(fault, "History");
  }
  absl::StatusOr<PriceHistory> history = inner_.History(market, from, to);
  if (fault == Fault::kWrong && history.ok()) {
    std::vector<PricePoint>& points = history->points;
    const absl::Time at = points.empty() ? to : points.back().time;
    switch (faults_.Uniform(3)) {
      case 0:
        points.push_back({at, kNaN});
        break;
      case 1:
        points.push_back({at, -0.5});
        break;
      default:
        // Out of time order: a point older than the last one.
        points.push_back({at, 0.01});
        points.push_back({at - absl::Minutes(10), 0.01});
        break;
    }
  }
  return history;
}

absl::StatusOr<double> FaultyPriceFeed::OnDemandPrice(
    const std::string& instance_type, const std::string& region) {
  const Fault fault = faults_.Draw("OnDemandPrice");
  if (fault == Fault::kFail || fault == Fault::kTimeout) {
    return Injected(fault, "OnDemandPrice");
  }
  absl::StatusOr<double> price = inner_.OnDemandPrice(instance_type, region);
  if (fault == Fault::kWrong && price.ok()) return kNaN;
  return price;
}

absl::StatusOr<Fleet> FaultyInstanceManager::List() {
  const Fault fault = faults_.Draw("List");
  if (fault == Fault::kFail || fault == Fault::kTimeout) {
    return Injected(fault, "List");
  }
  absl::StatusOr<Fleet> fleet = inner_.List();
  if (fault == Fault::kWrong && fleet.ok()) {
    if (!fleet->instances.empty() && faults_.Uniform(2) == 0) {
      // The same instance listed twice.
      fleet->instances.push_back(fleet->instances.front());
    } else if (!fleet->requests.empty()) {
      fleet->requests.push_back(fleet->requests.front());
    } else {
      Instance bogus{.id = "i-injected-bogus",
                     .lifecycle = Lifecycle::kSpot,
                     .state = InstanceState::kRunning,
                     .max_price_usd_per_hour = kNaN};
      fleet->instances.push_back(std::move(bogus));
    }
  }
  return fleet;
}

template <typename Call>
auto FaultyInstanceManager::Change(const char* name, Call call)
    -> decltype(call()) {
  const Fault fault = faults_.Draw(name);
  switch (fault) {
    case Fault::kNone:
      return call();
    case Fault::kFail:
      return Injected(fault, name);
    case Fault::kTimeout:
      // The answer is lost; whether the change was made is not known.
      if (faults_.Uniform(2) == 0) (void)call();
      return Injected(fault, name);
    case Fault::kWrong:
      break;
  }
  // A garbled answer: the change is made, what comes back is wrong.
  auto result = call();
  if constexpr (std::is_same_v<decltype(result), absl::Status>) {
    return result;
  } else {
    if (result.ok()) result->clear();
    return result;
  }
}

absl::StatusOr<std::vector<std::string>> FaultyInstanceManager::RequestSpot(
    const SpotRequestSpec& spec) {
  return Change("RequestSpot", [&] { return inner_.RequestSpot(spec); });
}

absl::StatusOr<std::vector<std::string>> FaultyInstanceManager::LaunchOnDemand(
    const OnDemandSpec& spec) {
  return Change("LaunchOnDemand", [&] { return inner_.LaunchOnDemand(spec); });
}

absl::Status FaultyInstanceManager::CancelRequests(
    const std::vector<std::string>& ids) {
  return Change("CancelRequests", [&] { return inner_.CancelRequests(ids); });
}

absl::Status FaultyInstanceManager::Terminate(
    const std::vector<std::string>& ids) {
  return Change("Terminate", [&] { return inner_.Terminate(ids); });
}

absl::Status FaultyDrainer::Drain(const std::vector<std::string>& instance_ids,
                                  absl::Duration grace) {
  const Fault fault = faults_.Draw("Drain");
  switch (fault) {
    case Fault::kNone:
      return inner_.Drain(instance_ids, grace);
    case Fault::kFail:
      return Injected(fault, "Drain");
    case Fault::kTimeout:
      if (faults_.Uniform(2) == 0) (void)inner_.Drain(instance_ids, grace);
      return Injected(fault, "Drain");
    case Fault::kWrong:
      break;
  }
  // A status has nothing to garble: the drain is made, as asked.
  return inner_.Drain(instance_ids, grace);
}

}  // namespace spotburst
