// Resources: names of the resource kinds.
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

}  // namespace spotburst
