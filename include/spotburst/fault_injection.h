// Fault injection: decorators over the adapter interfaces that fail, time
// out or answer wrongly at random, to test a control loop (the Controller,
// or an embedder's own) against an unreliable cluster and cloud.
//
// Each decorator forwards to the adapter it wraps and, on a draw from a
// shared, seeded FaultInjector, instead:
//   - fails: an error, and the wrapped adapter is not called;
//   - times out: DeadlineExceeded; for calls that change the cloud, the
//     wrapped call may or may not have been made (as with a lost answer);
//   - answers wrongly: a read returns data no real source could (a NaN or
//     negative figure, prices out of time order, an instance listed twice);
//     a write is made but its answer is garbled (ids missing or extra).
// Reads that answer wrongly must be refused by the reader; a plausible lie
// (an instance silently left out) is beyond what any controller can detect
// and is not injected.
//
// The same seed gives the same faults for the same calls. The injector
// records what it injected, so a test can tell a failure it caused from one
// it did not. Not thread-safe: one control loop at a time.
//
//   FaultInjector faults(/*seed=*/42, {.fail = 0.1, .timeout = 0.05,
//                                      .wrong = 0.05});
//   FaultyMetricsSource metrics(real_metrics, faults);
//   FaultyInstanceManager instances(real_instances, faults);
//   Controller controller(engine, metrics, prices, instances, clock);
#ifndef SPOTBURST_FAULT_INJECTION_H_
#define SPOTBURST_FAULT_INJECTION_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "spotburst/drainer.h"
#include "spotburst/instance_manager.h"
#include "spotburst/metrics_source.h"
#include "spotburst/price_feed.h"

namespace spotburst {

// Probability of each fault per call, each in [0, 1], summing to at most 1.
struct FaultRates {
  double fail = 0;
  double timeout = 0;
  double wrong = 0;
};

enum class Fault { kNone, kFail, kTimeout, kWrong };

class FaultInjector {
 public:
  FaultInjector(uint64_t seed, FaultRates rates);

  // Draws the fault for one call named `call` ("Snapshot", "Terminate").
  Fault Draw(const char* call);
  // A uniform integer in [0, n), from the same seeded sequence.
  uint64_t Uniform(uint64_t n);

  // The faults injected so far, one entry per faulty call, e.g.
  // "Terminate: timeout". Cleared by TakeLog().
  std::vector<std::string> TakeLog();
  const FaultRates& rates() const { return rates_; }

 private:
  std::mt19937_64 random_;
  FaultRates rates_;
  std::vector<std::string> log_;
};

class FaultyMetricsSource final : public MetricsSource {
 public:
  // Both borrowed; they must outlive this decorator.
  FaultyMetricsSource(MetricsSource& inner, FaultInjector& faults)
      : inner_(inner), faults_(faults) {}
  absl::StatusOr<ClusterState> Snapshot() override;

 private:
  MetricsSource& inner_;
  FaultInjector& faults_;
};

class FaultyPriceFeed final : public PriceFeed {
 public:
  FaultyPriceFeed(PriceFeed& inner, FaultInjector& faults)
      : inner_(inner), faults_(faults) {}
  absl::StatusOr<PriceHistory> History(const Market& market, absl::Time from,
                                       absl::Time to) override;
  absl::StatusOr<double> OnDemandPrice(const std::string& instance_type,
                                       const std::string& region) override;

 private:
  PriceFeed& inner_;
  FaultInjector& faults_;
};

class FaultyInstanceManager final : public InstanceManager {
 public:
  FaultyInstanceManager(InstanceManager& inner, FaultInjector& faults)
      : inner_(inner), faults_(faults) {}
  absl::StatusOr<Fleet> List() override;
  absl::StatusOr<std::vector<std::string>> RequestSpot(
      const SpotRequestSpec& spec) override;
  absl::StatusOr<std::vector<std::string>> LaunchOnDemand(
      const OnDemandSpec& spec) override;
  absl::Status CancelRequests(const std::vector<std::string>& ids) override;
  absl::Status Terminate(const std::vector<std::string>& ids) override;

 private:
  // The shared path of the calls that change the cloud.
  template <typename Call>
  auto Change(const char* name, Call call) -> decltype(call());

  InstanceManager& inner_;
  FaultInjector& faults_;
};

// A drain that fails (not started) or times out (started or not). Its
// answer is a status alone, which has nothing to garble: a "wrong" draw
// makes the drain as asked.
class FaultyDrainer final : public Drainer {
 public:
  FaultyDrainer(Drainer& inner, FaultInjector& faults)
      : inner_(inner), faults_(faults) {}
  absl::Status Drain(const std::vector<std::string>& instance_ids,
                     absl::Duration grace) override;

 private:
  Drainer& inner_;
  FaultInjector& faults_;
};

}  // namespace spotburst

#endif  // SPOTBURST_FAULT_INJECTION_H_
