// The checks of LeaderElectionOptions, with the configuration keys in the
// errors (the options come from the managed.ha section).
#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sidecar/client_input.h"
#include "sidecar/leader_election.h"
#include "spotburst/status_macros.h"

namespace spotburst::sidecar {
namespace {

constexpr size_t kMaxIdentityBytes = 256;
// Far beyond any real list of servers or path; keeps errors and nodes small.
constexpr size_t kMaxServersBytes = 4096;
constexpr size_t kMaxPathBytes = 512;

bool HasControlCharacter(absl::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return true;
  }
  return false;
}

absl::Status Invalid(absl::string_view key, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("managed.ha.", key, ": ", problem));
}

// "host:port" with a port 1..65535; an IPv6 host in brackets.
bool IsHostPort(absl::string_view server) {
  const size_t colon = server.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) return false;
  const absl::string_view host = server.substr(0, colon);
  int port = 0;
  if (!absl::SimpleAtoi(server.substr(colon + 1), &port) || port < 1 ||
      port > 65535 || !absl::ascii_isdigit(server[colon + 1])) {
    return false;
  }
  if (host.front() == '[') return host.size() > 2 && host.back() == ']';
  for (char c : host) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '-' && c != '_') {
      return false;
    }
  }
  return true;
}

absl::Status ValidateServers(absl::string_view servers) {
  constexpr absl::string_view kKey = "zookeeper";
  if (servers.empty()) {
    return Invalid(kKey, "give ZooKeeper's servers, \"host:port,host:port\"");
  }
  if (servers.size() > kMaxServersBytes) {
    return Invalid(kKey, absl::StrCat(servers.size(), " bytes; at most ",
                                      kMaxServersBytes));
  }
  if (absl::StrContains(servers, "://") || absl::StrContains(servers, '/')) {
    return Invalid(kKey, absl::StrCat(QuoteInput(servers),
                                      " is not a list of host:port (the "
                                      "servers only: no zk://, no path)"));
  }
  const std::vector<absl::string_view> entries = absl::StrSplit(servers, ',');
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!IsHostPort(entries[i])) {
      return Invalid(
          kKey, absl::StrCat("server ", i + 1, ", ", QuoteInput(entries[i]),
                             ", is not host:port"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePath(absl::string_view path) {
  constexpr absl::string_view kKey = "path";
  if (path.empty())
    return Invalid(kKey, "give a ZooKeeper path, e.g. /spotburst/pool-a");
  if (path.size() > kMaxPathBytes) {
    return Invalid(
        kKey, absl::StrCat(path.size(), " bytes; at most ", kMaxPathBytes));
  }
  const std::string quoted = QuoteInput(path);
  if (path.front() != '/') {
    return Invalid(kKey,
                   absl::StrCat(quoted, " is not absolute (start it with /)"));
  }
  if (path == "/") {
    return Invalid(kKey,
                   "/ is ZooKeeper's root; give a node of its own, e.g. "
                   "/spotburst/pool-a");
  }
  if (path.back() == '/') {
    return Invalid(kKey, absl::StrCat(quoted, " ends with /"));
  }
  if (absl::StrContains(path, "//")) {
    return Invalid(kKey, absl::StrCat(quoted, " has an empty component (//)"));
  }
  if (HasControlCharacter(path)) {
    return Invalid(kKey, absl::StrCat(quoted, " has control characters"));
  }
  for (absl::string_view part : absl::StrSplit(path.substr(1), '/')) {
    if (part == "." || part == "..") {
      return Invalid(kKey, absl::StrCat(quoted, " has a . or .. component"));
    }
  }
  if (path == "/zookeeper" || absl::StartsWith(path, "/zookeeper/")) {
    return Invalid(kKey, "/zookeeper is reserved by ZooKeeper");
  }
  return absl::OkStatus();
}

absl::Status ValidateIdentity(absl::string_view identity) {
  constexpr absl::string_view kKey = "identity";
  if (identity.empty()) {
    return Invalid(
        kKey,
        "give this daemon's name as the others see it, e.g. host-a:50551");
  }
  if (identity.size() > kMaxIdentityBytes) {
    return Invalid(kKey, absl::StrCat(identity.size(), " bytes; at most ",
                                      kMaxIdentityBytes));
  }
  if (HasControlCharacter(identity)) {
    return Invalid(
        kKey, absl::StrCat(QuoteInput(identity), " has control characters"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateLeaderElectionOptions(
    const LeaderElectionOptions& options) {
  SPOTBURST_RETURN_IF_ERROR(ValidateServers(options.zookeeper));
  SPOTBURST_RETURN_IF_ERROR(ValidatePath(options.path));
  SPOTBURST_RETURN_IF_ERROR(ValidateIdentity(options.identity));
  if (options.session_timeout < absl::Seconds(2) ||
      options.session_timeout > absl::Seconds(60)) {
    return Invalid("session_timeout_s",
                   absl::StrCat(absl::FormatDuration(options.session_timeout),
                                "; give 2 to 60 seconds"));
  }
  return absl::OkStatus();
}

}  // namespace spotburst::sidecar
