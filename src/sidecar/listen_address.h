// The daemon's listening address: host:port checked before gRPC sees it
// (gRPC would silently listen on port 99999 mod 65536), whether it is
// loopback only, and why binding it failed.
//
//   SPOTBURST_ASSIGN_OR_RETURN(ListenAddress address,
//                              ParseListenAddress("127.0.0.1:50551"));
//   if (!address.loopback()) { /* warn unless TLS */ }
#ifndef SPOTBURST_SIDECAR_LISTEN_ADDRESS_H_
#define SPOTBURST_SIDECAR_LISTEN_ADDRESS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace spotburst::sidecar {

struct ListenAddress {
  // As written, IPv6 brackets included ("[::1]"); may be a host name.
  std::string host;
  // 0..65535; 0 picks a free port.
  int port = 0;

  // Only this machine can connect: 127.0.0.0/8, ::1 or "localhost".
  bool loopback() const;
};

// "HOST:PORT" or "[IPV6]:PORT". InvalidArgument starting with "listen: "
// for anything else: no host, no port, a port that is not a number in
// 0..65535.
absl::StatusOr<ListenAddress> ParseListenAddress(absl::string_view listen);

// Why `address` cannot be bound, by trying: "address already in use",
// "cannot assign requested address", ...; empty when a plain bind works
// (the failure was elsewhere, e.g. TLS) or the host does not resolve.
std::string BindError(const ListenAddress& address);

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_LISTEN_ADDRESS_H_
