// RunClock: the clock of one RunSimulation, which moves only when the run
// loop sets it.
//
// Unlike SimulatedClock it takes no lock: the run loop makes it, and only
// the Controller, cloud and cluster of that run read it, on the loop's
// thread, while the loop runs (a locked read, several per tick, was a
// twentieth of a simulated year). Never hand it to anything that outlives
// the run or reads it from another thread.
//
//   RunClock clock(start);
//   clock.SetTime(start + absl::Minutes(1));
#ifndef SPOTBURST_SIM_SRC_RUN_CLOCK_H_
#define SPOTBURST_SIM_SRC_RUN_CLOCK_H_

#include "absl/time/time.h"
#include "spotburst/clock.h"

namespace spotburst::sim::internal {

class RunClock final : public Clock {
 public:
  explicit RunClock(absl::Time start) : now_(start) {}

  absl::Time Now() const override { return now_; }
  // Jumps to `deadline` if it is later than now.
  void SleepUntil(absl::Time deadline) override {
    if (deadline > now_) now_ = deadline;
  }
  void SetTime(absl::Time t) { now_ = t; }

 private:
  absl::Time now_;
};

}  // namespace spotburst::sim::internal

#endif  // SPOTBURST_SIM_SRC_RUN_CLOCK_H_
