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

  double Get(ResourceKind kind) const;
  double& Mutable(ResourceKind kind);

  Resources& operator+=(const Resources& other);
  Resources& operator-=(const Resources& other);
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
