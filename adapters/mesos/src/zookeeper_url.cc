// zk://[user:password@]host:port[,host:port...]/path
#include "zookeeper_url.h"

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "master_url.h"

namespace spotburst::mesos {
namespace {

constexpr int kDefaultZooKeeperPort = 2181;

std::string_view StripWhitespace(std::string_view text) {
  while (!text.empty() && absl::ascii_isspace(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && absl::ascii_isspace(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

absl::Status Invalid(std::string_view field, std::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrFormat("%s: %s", std::string(field), std::string(problem)));
}

// A znode path: "/a/b", no empty, "." or ".." segment, printable ASCII.
bool IsZnodePath(std::string_view path) {
  if (path.size() < 2 || path[0] != '/') return false;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    for (char c : segment) {
      if (!absl::ascii_isgraph(static_cast<unsigned char>(c))) return false;
    }
    start = end + 1;
  }
  return true;
}

// "http", "file": safe to quote, unlike what might be "user:password".
bool IsScheme(std::string_view text) {
  if (text.empty() || !absl::ascii_isalpha(static_cast<unsigned char>(text[0])))
    return false;
  for (char c : text) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '+' &&
        c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<ZooKeeperUrl> ParseZooKeeperUrl(std::string_view text,
                                               std::string_view field) {
  // The text may hold a password before its last '@': nothing up to there
  // is ever quoted.
  std::string_view rest = StripWhitespace(text);
  if (!rest.starts_with("zk://")) {
    const size_t scheme_end = rest.find("://");
    if (scheme_end != std::string_view::npos &&
        IsScheme(rest.substr(0, scheme_end))) {
      return Invalid(field, QuoteForMessage(rest.substr(0, scheme_end + 3)) +
                                ": give zk://host:port[,host:port...]/path");
    }
    return Invalid(field,
                   "not a ZooKeeper URL: give zk://host:port[,host:port...]/"
                   "path");
  }
  rest.remove_prefix(5);

  ZooKeeperUrl url;
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view credentials = rest.substr(0, at);
    const size_t colon = credentials.find(':');
    if (colon == 0 || colon == std::string_view::npos) {
      return Invalid(field, "the credentials before '@' must be user:password");
    }
    url.credentials = std::string(credentials);
    rest.remove_prefix(at + 1);
  }

  const size_t slash = rest.find('/');
  const std::string_view hosts = rest.substr(0, slash);
  std::string_view path =
      slash == std::string_view::npos ? "" : rest.substr(slash);
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path.empty() || path == "/") {
    return Invalid(field,
                   "no group path: give the masters' --zk, e.g. "
                   "zk://host:2181/mesos");
  }
  if (!IsZnodePath(path)) {
    return Invalid(
        field, QuoteForMessage(path) + " is not a ZooKeeper path like /mesos");
  }
  url.path = std::string(path);

  if (hosts.empty()) return Invalid(field, "no ZooKeeper host");
  size_t start = 0;
  while (start <= hosts.size()) {
    size_t end = hosts.find(',', start);
    if (end == std::string_view::npos) end = hosts.size();
    const std::string_view host = hosts.substr(start, end - start);
    const std::string host_port =
        NormalizeHostPort(host, kDefaultZooKeeperPort);
    if (host_port.empty()) {
      return Invalid(
          field, QuoteForMessage(host) + " is not host:port (port 1-65535)");
    }
    if (!url.servers.empty()) url.servers += ",";
    url.servers += host_port;
    start = end + 1;
  }
  return url;
}

}  // namespace spotburst::mesos
