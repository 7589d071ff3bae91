// Periodic malloc_trim while idle.
#include "sidecar/memory_trimmer.h"

#include <malloc.h>

#include <utility>

namespace spotburst::sidecar {

MemoryTrimmer::MemoryTrimmer(absl::Duration interval,
                             std::function<bool()> idle)
    : interval_(interval), idle_(std::move(idle)) {
  thread_ = std::thread([this] {
    while (!stop_.WaitForNotificationWithTimeout(interval_)) {
      if (idle_()) malloc_trim(0);
    }
  });
}

MemoryTrimmer::~MemoryTrimmer() {
  stop_.Notify();
  thread_.join();
}

}  // namespace spotburst::sidecar
