// A minimal HTTP/1.1 client for test servers on 127.0.0.1: one request per
// connection ("Connection: close"), the answer read to the end. For test
// harnesses that must not depend on the code under test; not for anything
// else (no TLS, no chunked bodies, no redirects).
#ifndef SPOTBURST_TESTS_ADAPTERS_MESOS_TESTING_LOOPBACK_HTTP_H_
#define SPOTBURST_TESTS_ADAPTERS_MESOS_TESTING_LOOPBACK_HTTP_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>

namespace spotburst::mesos::testing {

struct LoopbackResponse {
  int status = 0;
  // Header names in lower case.
  std::map<std::string, std::string> headers;
  std::string body;
};

// Sends one request to 127.0.0.1:`port`; nullopt if the connection fails or
// the answer is not HTTP. Waits at most 30 s for a hung server.
inline std::optional<LoopbackResponse> LoopbackRequest(
    int port, const std::string& method, const std::string& path,
    const std::string& body = "",
    const std::map<std::string, std::string>& headers = {}) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  timeval timeout{.tv_sec = 30, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string request = method + " " + path +
                        " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nConnection: close\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n";
  for (const auto& [name, value] : headers) {
    request += name + ": " + value + "\r\n";
  }
  request += "\r\n" + body;
  std::string answer;
  bool ok =
      connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  for (size_t sent = 0; ok && sent < request.size();) {
    const ssize_t n =
        send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) sent += static_cast<size_t>(n);
  }
  while (ok) {
    char chunk[4096];
    const ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ok = false;
    if (n <= 0) break;
    answer.append(chunk, static_cast<size_t>(n));
  }
  close(fd);
  const size_t end = answer.find("\r\n\r\n");
  if (!ok || !answer.starts_with("HTTP/1.") || end == std::string::npos ||
      answer.size() < 12) {
    return std::nullopt;
  }
  LoopbackResponse response;
  response.status = std::atoi(answer.substr(9, 3).c_str());
  size_t line = answer.find("\r\n") + 2;
  while (line < end) {
    const size_t next = answer.find("\r\n", line);
    const std::string header = answer.substr(line, next - line);
    const size_t colon = header.find(':');
    if (colon != std::string::npos) {
      std::string name = header.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(c));
      size_t start = colon + 1;
      while (start < header.size() && header[start] == ' ') ++start;
      response.headers[name] = header.substr(start);
    }
    line = next + 2;
  }
  response.body = answer.substr(end + 4);
  return response;
}

}  // namespace spotburst::mesos::testing

#endif  // SPOTBURST_TESTS_ADAPTERS_MESOS_TESTING_LOOPBACK_HTTP_H_
