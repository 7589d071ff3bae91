// Fakes of the adapters a Controller drives, for controller tests: each
// records what it was asked and fails on demand.
#ifndef SPOTBURST_TESTS_TESTING_CONTROLLER_FAKES_H_
#define SPOTBURST_TESTS_TESTING_CONTROLLER_FAKES_H_

#include <algorithm>
#include <string>
#include <vector>

#include "spotburst/clock.h"
#include "spotburst/drainer.h"
#include "spotburst/instance_manager.h"
#include "spotburst/metrics_source.h"
#include "spotburst/price_feed.h"
#include "testing/engine_fixtures.h"

namespace spotburst::testing {

class FakeClock final : public Clock {
 public:
  absl::Time Now() const override { return now; }
  void SleepUntil(absl::Time deadline) override {
    now = std::max(now, deadline);
  }
  absl::Time now = T0();
};

class FakeMetrics final : public MetricsSource {
 public:
  absl::StatusOr<ClusterState> Snapshot() override {
    if (!fail.ok()) return fail;
    return state;
  }
  ClusterState state = UsingCpus(34);
  absl::Status fail;
};

class FakePrices final : public PriceFeed {
 public:
  absl::StatusOr<PriceHistory> History(const spotburst::Market& market,
                                       absl::Time from,
                                       absl::Time to) override {
    froms.push_back(from);
    if (!fail.ok()) return fail;
    PriceHistory h{.market = market};
    for (const PricePoint& p : points)
      if (p.time <= to) h.points.push_back(p);
    return h;
  }
  absl::StatusOr<double> OnDemandPrice(const std::string&,
                                       const std::string&) override {
    return 0.1;
  }
  std::vector<PricePoint> points = {{T0() - absl::Hours(2), 0.027}};
  std::vector<absl::Time> froms;
  absl::Status fail;
};

class FakeInstances final : public InstanceManager {
 public:
  absl::StatusOr<Fleet> List() override {
    ++lists;
    if (!fail_list.ok()) return fail_list;
    return fleet;
  }
  absl::StatusOr<std::vector<std::string>> RequestSpot(
      const SpotRequestSpec& spec) override {
    spot.push_back(spec);
    if (!fail_spot.ok()) return fail_spot;
    return std::vector<std::string>{"sir-new"};
  }
  absl::StatusOr<std::vector<std::string>> LaunchOnDemand(
      const OnDemandSpec& spec) override {
    on_demand.push_back(spec);
    return std::vector<std::string>{"i-od"};
  }
  absl::Status CancelRequests(const std::vector<std::string>& ids) override {
    cancelled.insert(cancelled.end(), ids.begin(), ids.end());
    return fail_cancel;
  }
  absl::Status Terminate(const std::vector<std::string>& ids) override {
    terminated.insert(terminated.end(), ids.begin(), ids.end());
    for (const std::string& id : ids) calls->push_back("terminate " + id);
    return absl::OkStatus();
  }
  int Calls() const {
    return spot.size() + on_demand.size() + cancelled.size() +
           terminated.size();
  }
  Fleet fleet;
  // Where Terminate logs "terminate ID" (shared with a FakeDrainer to see
  // the order of calls).
  std::vector<std::string> own_calls;
  std::vector<std::string>* calls = &own_calls;
  int lists = 0;
  std::vector<SpotRequestSpec> spot;
  std::vector<OnDemandSpec> on_demand;
  std::vector<std::string> cancelled, terminated;
  absl::Status fail_list, fail_cancel, fail_spot;
};

class FakeDrainer final : public Drainer {
 public:
  absl::Status Drain(const std::vector<std::string>& instance_ids,
                     absl::Duration grace) override {
    for (const std::string& id : instance_ids) calls->push_back("drain " + id);
    graces.push_back(grace);
    return fail;
  }
  std::vector<std::string> own_calls;
  std::vector<std::string>* calls = &own_calls;
  std::vector<absl::Duration> graces;
  absl::Status fail;
};

}  // namespace spotburst::testing

#endif  // SPOTBURST_TESTS_TESTING_CONTROLLER_FAKES_H_
