// Master addresses: normalizing configured ones, completing redirects.
#include "master_url.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"

namespace spotburst::mesos {
namespace {

constexpr int kDefaultMasterPort = 5050;

// Debian's Abseil has its own string_view; these work on std's.
bool ConsumePrefix(std::string_view* text, std::string_view prefix) {
  if (!text->starts_with(prefix)) return false;
  text->remove_prefix(prefix.size());
  return true;
}

void ConsumeSuffix(std::string_view* text, std::string_view suffix) {
  if (text->ends_with(suffix)) text->remove_suffix(suffix.size());
}

std::string_view StripWhitespace(std::string_view text) {
  while (!text.empty() && absl::ascii_isspace(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && absl::ascii_isspace(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

bool IsHostChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' ||
         c == '-' || c == '_';
}

// "host", "host:port", "[v6]" or "[v6]:port" -> "host:port"; empty on error.
std::string HostPort(std::string_view authority, int default_port) {
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with("[")) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos || close == 1) return "";
    host = authority.substr(0, close + 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return "";
      port = rest.substr(1);
      if (port.empty()) return "";
    }
    for (char c : host.substr(1, host.size() - 2)) {
      if (!absl::ascii_isxdigit(static_cast<unsigned char>(c)) && c != ':' &&
          c != '.') {
        return "";
      }
    }
  } else {
    const size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) return "";
    }
    if (host.empty()) return "";
    for (char c : host) {
      if (!IsHostChar(c)) return "";
    }
  }
  int number = default_port;
  if (!port.empty()) {
    if (port.size() > 5) return "";
    number = 0;
    for (char c : port) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return "";
      number = number * 10 + (c - '0');
    }
    if (number < 1 || number > 65535) return "";
  }
  return std::string(host) + ":" + std::to_string(number);
}

// At most this much of a bad value is quoted back.
std::string Quote(std::string_view text) {
  constexpr size_t kMax = 80;
  if (text.size() <= kMax) return "\"" + std::string(text) + "\"";
  return "\"" + std::string(text.substr(0, kMax)) + "...\"";
}

}  // namespace

absl::StatusOr<std::string> NormalizeMasterUrl(std::string_view text,
                                               std::string_view field) {
  std::string_view rest = StripWhitespace(text);
  std::string scheme = "http";
  if (ConsumePrefix(&rest, "https://")) {
    scheme = "https";
  } else if (!ConsumePrefix(&rest, "http://") &&
             rest.find("://") != std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %s: only http:// and https:// masters are "
                        "supported (zk:// goes in the zookeeper setting)",
                        field, Quote(text.substr(0, text.find("://") + 3))));
  }
  ConsumeSuffix(&rest, "/");
  if (rest.find('@') != std::string_view::npos) {
    // Never quote it: what precedes '@' is a password.
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: a master URL carries no user or password; give them in the "
        "credentials setting",
        field));
  }
  if (rest.find('/') != std::string_view::npos ||
      rest.find('?') != std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %s: give the master as scheme://host:port, "
                        "without a path",
                        field, Quote(text)));
  }
  const std::string host_port = HostPort(rest, kDefaultMasterPort);
  if (host_port.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: %s is not host:port (port 1-65535)", field, Quote(text)));
  }
  return scheme + "://" + host_port;
}

absl::StatusOr<std::string> LeaderUrlFromLocation(std::string_view location,
                                                  std::string_view scheme) {
  std::string_view rest = StripWhitespace(location);
  std::string_view used_scheme = scheme;
  if (ConsumePrefix(&rest, "http://")) {
    used_scheme = "http";
  } else if (ConsumePrefix(&rest, "https://")) {
    used_scheme = "https";
  } else if (!ConsumePrefix(&rest, "//")) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "master redirect: Location %s is not //host:port", Quote(location)));
  }
  ConsumeSuffix(&rest, "/");
  const std::string host_port = HostPort(rest, kDefaultMasterPort);
  if (host_port.empty() || rest.find(':') == std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "master redirect: Location %s is not //host:port", Quote(location)));
  }
  return std::string(used_scheme) + "://" + host_port;
}

std::string NormalizeHostPort(std::string_view authority, int default_port) {
  return HostPort(authority, default_port);
}

std::string QuoteForMessage(std::string_view text) { return Quote(text); }

}  // namespace spotburst::mesos
