// Clock: where time comes from, so that only the Controller reads it.
//
// The engine never reads a clock: it takes `now` as an argument. Loops that
// run on real time use Clock::Real(); the simulator and tests use a
// simulated clock (adapters/sim) that moves only when told to.
// Implementations must be safe to call from several threads.
//
//   Clock& clock = Clock::Real();
//   absl::Time next = clock.Now() + policy.evaluation_interval;
//   clock.SleepUntil(next);
#ifndef SPOTBURST_CLOCK_H_
#define SPOTBURST_CLOCK_H_

#include "absl/time/time.h"

namespace spotburst {

class Clock {
 public:
  Clock() = default;
  Clock(const Clock&) = delete;
  Clock& operator=(const Clock&) = delete;
  virtual ~Clock() = default;

  virtual absl::Time Now() const = 0;
  // Returns at or after `deadline` (at once if it has passed).
  virtual void SleepUntil(absl::Time deadline) = 0;

  // The system clock; lives forever.
  static Clock& Real();
};

}  // namespace spotburst

#endif  // SPOTBURST_CLOCK_H_
