// Resources: a bundle of cpus, memory, disk and gpus, as Mesos counts them.
//
// Used for cluster usage, baseline capacity and instance shapes. Memory and
// disk are in MiB (Mesos' unit). A plain value type; copy freely.
//
//   Resources shape{.cpus = 2, .mem_mib = 3840, .disk_mib = 0};
//   Resources capacity = baseline + shape * 3;
//   double cpu_share = used.Get(ResourceKind::kCpus) / capacity.cpus;
#ifndef SPOTBURST_RESOURCES_H_
#define SPOTBURST_RESOURCES_H_

#include <array>
#include <string_view>

namespace spotburst {

// The resource kinds the engine scales on, in a fixed order used everywhere
// a per-resource table is printed.
enum class ResourceKind { kCpus, kMem, kDisk, kGpus };

inline constexpr std::array<ResourceKind, 4> kAllResourceKinds = {
    ResourceKind::kCpus, ResourceKind::kMem, ResourceKind::kDisk,
    ResourceKind::kGpus};

// "cpus", "mem", "disk" or "gpus" (Mesos' names).
std::string_view ResourceName(ResourceKind kind);

struct Resources {
  double cpus = 0;
  double mem_mib = 0;
  double disk_mib = 0;
  double gpus = 0;

  // Inline: the engine and the simulator call these per resource kind on
  // every evaluation.
  double Get(ResourceKind kind) const {
    // Reuse Mutable so the kind-to-field mapping lives in one place.
    return const_cast<Resources*>(this)->Mutable(kind);
  }
  double& Mutable(ResourceKind kind) {
    switch (kind) {
      case ResourceKind::kCpus:
        return cpus;
      case ResourceKind::kMem:
        return mem_mib;
      case ResourceKind::kDisk:
        return disk_mib;
      case ResourceKind::kGpus:
        return gpus;
    }
    return cpus;  // Unreachable for valid enum values.
  }

  Resources& operator+=(const Resources& other) {
    cpus += other.cpus;
    mem_mib += other.mem_mib;
    disk_mib += other.disk_mib;
    gpus += other.gpus;
    return *this;
  }
  Resources& operator-=(const Resources& other) {
    cpus -= other.cpus;
    mem_mib -= other.mem_mib;
    disk_mib -= other.disk_mib;
    gpus -= other.gpus;
    return *this;
  }
  friend Resources operator+(Resources a, const Resources& b) { return a += b; }
  friend Resources operator-(Resources a, const Resources& b) { return a -= b; }
  friend Resources operator*(Resources a, double factor) {
    a.cpus *= factor;
    a.mem_mib *= factor;
    a.disk_mib *= factor;
    a.gpus *= factor;
    return a;
  }
  friend bool operator==(const Resources&, const Resources&) = default;
};

}  // namespace spotburst

#endif  // SPOTBURST_RESOURCES_H_
