// Resources: names of the resource kinds and the per-kind accessors.
#include "spotburst/resources.h"

namespace spotburst {

std::string_view ResourceName(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kCpus:
      return "cpus";
    case ResourceKind::kMem:
      return "mem";
    case ResourceKind::kDisk:
      return "disk";
    case ResourceKind::kGpus:
      return "gpus";
  }
  return "unknown";
}

double Resources::Get(ResourceKind kind) const {
  // Reuse Mutable so the kind-to-field mapping lives in one place.
  return const_cast<Resources*>(this)->Mutable(kind);
}

double& Resources::Mutable(ResourceKind kind) {
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

Resources& Resources::operator+=(const Resources& other) {
  cpus += other.cpus;
  mem_mib += other.mem_mib;
  disk_mib += other.disk_mib;
  gpus += other.gpus;
  return *this;
}

Resources& Resources::operator-=(const Resources& other) {
  cpus -= other.cpus;
  mem_mib -= other.mem_mib;
  disk_mib -= other.disk_mib;
  gpus -= other.gpus;
  return *this;
}

}  // namespace spotburst
