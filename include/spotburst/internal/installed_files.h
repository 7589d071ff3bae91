// Internal to spotburst (target spotburst::internal): shared by its programs
// and adapters, not installed, no compatibility promise. Implemented in
// src/io/installed_files.cc.
//
// Files spotburst ships beside its programs (the instance catalogue, the
// example configurations, the protos): found from any working directory.
//
// `cmake --install` puts them under <prefix>/share/spotburst, mirroring the
// source tree (data/instance_types.csv, examples/sidecar/managed-sim.yaml,
// proto/spotburst/v1/*.proto). A program looks for a relative path first
// where it was run, as always, and then in the share directory of the
// installation it belongs to, found from its own executable's location, so
// an installed `spotburst bid` finds its catalogue from any directory.
//
//   const std::string path = FindInstalledFile("data/instance_types.csv");
#ifndef SPOTBURST_INTERNAL_INSTALLED_FILES_H_
#define SPOTBURST_INTERNAL_INSTALLED_FILES_H_

#include <string>

namespace spotburst::internal {

// The share directory of the installation the running program belongs to
// (<directory of the executable>/../share/spotburst for the default
// layout); empty when the program is not installed (run from a build
// tree) or its location cannot be read.
std::string InstalledShareDir();

// `path` when it exists or is absolute; otherwise the same relative path
// under InstalledShareDir() when that exists; otherwise `path`, so that the
// error which follows names what was asked for.
std::string FindInstalledFile(const std::string& path);

}  // namespace spotburst::internal

#endif  // SPOTBURST_INTERNAL_INSTALLED_FILES_H_
