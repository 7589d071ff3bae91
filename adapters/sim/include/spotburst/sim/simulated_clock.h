// SimulatedClock: a Clock that moves only when told to.
//
// The simulator and tests drive it; SleepUntil jumps straight to the
// deadline, so a control loop over simulated adapters runs as fast as the
// code allows. Safe to call from several threads.
//
//   SimulatedClock clock(absl::FromUnixSeconds(1433116800));
//   clock.AdvanceTime(absl::Minutes(1));
#ifndef SPOTBURST_SIM_SIMULATED_CLOCK_H_
#define SPOTBURST_SIM_SIMULATED_CLOCK_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "spotburst/clock.h"

namespace spotburst::sim {

class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(absl::Time start) : now_(start) {}

  absl::Time Now() const override {
    absl::MutexLock lock(&mutex_);
    return now_;
  }
  // Jumps to `deadline` if it is later than now.
  void SleepUntil(absl::Time deadline) override {
    absl::MutexLock lock(&mutex_);
    if (deadline > now_) now_ = deadline;
  }
  void AdvanceTime(absl::Duration d) {
    absl::MutexLock lock(&mutex_);
    now_ += d;
  }
  void SetTime(absl::Time t) {
    absl::MutexLock lock(&mutex_);
    now_ = t;
  }

 private:
  mutable absl::Mutex mutex_;
  absl::Time now_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace spotburst::sim

#endif  // SPOTBURST_SIM_SIMULATED_CLOCK_H_
