// host:port parsing and bind diagnostics.
#include "sidecar/listen_address.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sidecar/client_input.h"

namespace spotburst::sidecar {
namespace {

absl::Status Bad(absl::string_view listen, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrFormat("listen: %s is not host:port (%s; e.g. 127.0.0.1:50551 "
                      "or [::1]:50551)",
                      QuoteInput(listen), why));
}

// The host as the resolver wants it: without IPv6 brackets.
std::string Unbracketed(absl::string_view host) {
  if (absl::StartsWith(host, "[") && absl::EndsWith(host, "]")) {
    host.remove_prefix(1);
    host.remove_suffix(1);
  }
  return std::string(host);
}

}  // namespace

bool ListenAddress::loopback() const {
  const std::string bare = absl::AsciiStrToLower(Unbracketed(host));
  return bare == "localhost" || bare == "::1" || absl::StartsWith(bare, "127.");
}

absl::StatusOr<ListenAddress> ParseListenAddress(absl::string_view listen) {
  const size_t colon = listen.rfind(':');
  if (colon == absl::string_view::npos) return Bad(listen, "no port");
  absl::string_view host = listen.substr(0, colon);
  absl::string_view port = listen.substr(colon + 1);
  if (host.empty()) return Bad(listen, "no host; 0.0.0.0 listens everywhere");
  if (absl::StrContains(host, ':') &&
      !(absl::StartsWith(host, "[") && absl::EndsWith(host, "]"))) {
    return Bad(listen, "an IPv6 host goes in brackets");
  }
  for (char c : host) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '-' && c != '_' &&
        c != ':' && c != '[' && c != ']' && c != '%') {
      return Bad(listen, "the host has a character no address has");
    }
  }
  int number = -1;
  if (port.empty() || port.size() > 5 ||
      !absl::c_all_of(port, absl::ascii_isdigit) ||
      !absl::SimpleAtoi(port, &number) || number > 65535) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "listen: port %s is not a number in [0, 65535] (0 picks a free port)",
        QuoteInput(port)));
  }
  return ListenAddress{.host = std::string(host), .port = number};
}

std::string BindError(const ListenAddress& address) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = absl::StrCat(address.port);
  if (getaddrinfo(Unbracketed(address.host).c_str(), port.c_str(), &hints,
                  &found) != 0) {
    return "";
  }
  std::string error;
  for (addrinfo* a = found; a != nullptr && error.empty(); a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    const int one = 1;
    // As gRPC binds: address reuse on (TIME_WAIT), port reuse off.
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0) error = strerror(errno);
    close(fd);
  }
  freeaddrinfo(found);
  return absl::AsciiStrToLower(error);
}

}  // namespace spotburst::sidecar
