// The daemon commands in a build without the sidecar (gRPC): each says so.
// CMake compiles this file only when SPOTBURST_BUILD_SIDECAR is off; the
// real commands are in cli/daemon/.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace spotburst::cli {
namespace {

int Unavailable(const std::string& command) {
  std::cerr << "spotburst " << command
            << ": not available in this build: it talks to spotburstd over "
               "gRPC, which is built only with SPOTBURST_BUILD_SIDECAR=ON\n";
  return 1;
}

}  // namespace

int RunStatus(const std::vector<std::string>&) { return Unavailable("status"); }
int RunPause(const std::vector<std::string>&) { return Unavailable("pause"); }
int RunResume(const std::vector<std::string>&) { return Unavailable("resume"); }
int RunWatch(const std::vector<std::string>&) { return Unavailable("watch"); }

}  // namespace spotburst::cli
