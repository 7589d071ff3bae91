// MemoryTrimmer: hands memory freed after a burst of large requests back to
// the operating system.
//
// glibc's malloc keeps what a burst freed in its arenas (one per thread
// that allocated, up to 8 per core), so a daemon that served a hundred
// 1 MB requests at once would stay at its peak size while idle. Every
// `interval`, when `idle()` says no call is being worked on, this calls
// malloc_trim, which returns the free pages of every arena. Idle only: a
// trim walks the whole heap, and calls should not wait for it.
//
//   MemoryTrimmer trimmer(absl::Seconds(5),
//                         [&] { return service.inflight() == 0; });
#ifndef SPOTBURST_SIDECAR_MEMORY_TRIMMER_H_
#define SPOTBURST_SIDECAR_MEMORY_TRIMMER_H_

#include <functional>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace spotburst::sidecar {

class MemoryTrimmer {
 public:
  // Starts the thread. `idle` is called from it; it must be thread-safe.
  MemoryTrimmer(absl::Duration interval, std::function<bool()> idle);
  MemoryTrimmer(const MemoryTrimmer&) = delete;
  MemoryTrimmer& operator=(const MemoryTrimmer&) = delete;
  ~MemoryTrimmer();  // stops the thread, at once

 private:
  const absl::Duration interval_;
  const std::function<bool()> idle_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_MEMORY_TRIMMER_H_
