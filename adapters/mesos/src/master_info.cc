// A master's address from the JSON MasterInfo of its election znode.
#include "master_info.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "master_url.h"
#include "simdjson.h"

namespace spotburst::mesos {
namespace {

// Where a field is named in messages: "json.info_0000000011: address.port".
struct Field {
  std::string_view node;
  std::string_view name;
};

absl::Status FieldError(Field field, std::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrFormat("ZooKeeper node %s: %s %s", QuoteForMessage(field.node),
                      std::string(field.name), std::string(problem)));
}

// A string member; nullopt when it is absent or empty.
absl::StatusOr<std::optional<std::string>> OptionalString(
    simdjson::dom::object object, std::string_view key, Field field) {
  simdjson::dom::element value;
  if (object[key].get(value) != simdjson::SUCCESS) return std::nullopt;
  std::string_view text;
  if (value.get(text) != simdjson::SUCCESS) {
    return FieldError(field, "is not a string");
  }
  if (text.empty()) return std::nullopt;
  return std::string(text);
}

// An unsigned integer member no larger than `max`; nullopt when absent.
absl::StatusOr<std::optional<uint64_t>> OptionalUnsigned(
    simdjson::dom::object object, std::string_view key, uint64_t max,
    Field field) {
  simdjson::dom::element value;
  if (object[key].get(value) != simdjson::SUCCESS) return std::nullopt;
  uint64_t number = 0;
  if (value.get(number) != simdjson::SUCCESS || number > max) {
    return FieldError(field, absl::StrFormat("is not an integer 0-%d", max));
  }
  return number;
}

absl::StatusOr<std::optional<int>> OptionalPort(simdjson::dom::object object,
                                                std::string_view key,
                                                Field field) {
  absl::StatusOr<std::optional<uint64_t>> port =
      OptionalUnsigned(object, key, 65535, field);
  if (!port.ok()) return port.status();
  if (!port->has_value()) return std::nullopt;
  if (**port == 0) return FieldError(field, "is 0, not a port");
  return static_cast<int>(**port);
}

// The deprecated `ip`: the first octet in the lowest byte.
std::string DottedQuad(uint32_t packed) {
  return absl::StrFormat("%d.%d.%d.%d", packed & 0xFF, (packed >> 8) & 0xFF,
                         (packed >> 16) & 0xFF, (packed >> 24) & 0xFF);
}

absl::StatusOr<std::string> Url(std::string_view scheme, std::string host,
                                int port, Field host_field) {
  // An IPv6 address goes in brackets.
  if (host.find(':') != std::string::npos && !host.starts_with("[")) {
    host = "[" + host + "]";
  }
  const std::string host_port =
      NormalizeHostPort(host + ":" + std::to_string(port), port);
  if (host_port.empty()) {
    return FieldError(host_field, QuoteForMessage(host) +
                                      " is not a host name or IP address");
  }
  return std::string(scheme) + "://" + host_port;
}

// "master@10.20.0.11:5050" -> "10.20.0.11:5050"; empty when it is not that.
std::string HostPortOfPid(std::string_view pid) {
  const size_t at = pid.find('@');
  if (at == std::string_view::npos || at == 0) return "";
  const std::string_view authority = pid.substr(at + 1);
  if (authority.empty() || authority.back() == ']' ||
      authority.find(':') == std::string_view::npos) {
    return "";  // no port
  }
  return NormalizeHostPort(authority, 0);
}

}  // namespace

absl::StatusOr<std::string> ParseMasterInfo(std::string_view data,
                                            std::string_view node,
                                            std::string_view scheme) {
  if (scheme != "http" && scheme != "https") {
    return absl::InvalidArgumentError(absl::StrFormat(
        "master scheme %s: give http or https", QuoteForMessage(scheme)));
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (const simdjson::error_code error =
          parser.parse(data.data(), data.size()).get(root);
      error != simdjson::SUCCESS) {
    return FieldError({node, "data"},
                      absl::StrFormat("is not JSON (%s); Mesos masters "
                                      "write a JSON MasterInfo",
                                      simdjson::error_message(error)));
  }
  simdjson::dom::object info;
  if (root.get(info) != simdjson::SUCCESS) {
    return FieldError({node, "data"}, "is not a JSON object");
  }

  // Since Mesos 0.24: `address`.
  simdjson::dom::element address_element;
  if (info["address"].get(address_element) == simdjson::SUCCESS) {
    simdjson::dom::object address;
    if (address_element.get(address) != simdjson::SUCCESS) {
      return FieldError({node, "address"}, "is not an object");
    }
    absl::StatusOr<std::optional<std::string>> ip =
        OptionalString(address, "ip", {node, "address.ip"});
    if (!ip.ok()) return ip.status();
    absl::StatusOr<std::optional<std::string>> hostname =
        OptionalString(address, "hostname", {node, "address.hostname"});
    if (!hostname.ok()) return hostname.status();
    absl::StatusOr<std::optional<int>> port =
        OptionalPort(address, "port", {node, "address.port"});
    if (!port.ok()) return port.status();
    if (port->has_value() && ip->has_value()) {
      return Url(scheme, **ip, **port, {node, "address.ip"});
    }
    if (port->has_value() && hostname->has_value()) {
      return Url(scheme, **hostname, **port, {node, "address.hostname"});
    }
  }

  // Older masters: `ip` and `hostname` with `port`.
  absl::StatusOr<std::optional<uint64_t>> ip =
      OptionalUnsigned(info, "ip", UINT32_MAX, {node, "ip"});
  if (!ip.ok()) return ip.status();
  absl::StatusOr<std::optional<std::string>> hostname =
      OptionalString(info, "hostname", {node, "hostname"});
  if (!hostname.ok()) return hostname.status();
  absl::StatusOr<std::optional<int>> port =
      OptionalPort(info, "port", {node, "port"});
  if (!port.ok()) return port.status();
  if (port->has_value() && ip->has_value() && **ip != 0) {
    return Url(scheme, DottedQuad(static_cast<uint32_t>(**ip)), **port,
               {node, "ip"});
  }
  if (port->has_value() && hostname->has_value()) {
    return Url(scheme, **hostname, **port, {node, "hostname"});
  }

  // Last: the libprocess pid.
  absl::StatusOr<std::optional<std::string>> pid =
      OptionalString(info, "pid", {node, "pid"});
  if (!pid.ok()) return pid.status();
  if (pid->has_value()) {
    const std::string host_port = HostPortOfPid(**pid);
    if (host_port.empty()) {
      return FieldError({node, "pid"},
                        QuoteForMessage(**pid) + " is not master@IP:PORT");
    }
    return std::string(scheme) + "://" + host_port;
  }
  return FieldError({node, "data"},
                    "has no master address: none of address.ip or "
                    "address.hostname with address.port, ip or hostname "
                    "with port, or pid");
}

}  // namespace spotburst::mesos
