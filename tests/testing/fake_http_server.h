// The loopback HTTP server of the adapters' tests
// (tests/testing/fake_http_server.py) as a child process: started on a
// free port, scripted by JSON commands on its stdin, each answered by a
// JSON line, and ended by closing its stdin. Nothing here waits for a time:
// reads wait for a line, with a deadline only to fail a hung test.
#ifndef SPOTBURST_TESTS_TESTING_FAKE_HTTP_SERVER_H_
#define SPOTBURST_TESTS_TESTING_FAKE_HTTP_SERVER_H_

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/child_process.h"

namespace spotburst::testing {

class FakeHttpServer {
 public:
  // `arguments` go to the script, e.g. {"--tls-cert", cert, "--tls-key",
  // key} for HTTPS.
  explicit FakeHttpServer(const std::vector<std::string>& arguments = {})
      : process_(Argv(arguments)) {
    const std::optional<std::string> line =
        process_.ReadLine(absl::Seconds(30));
    const std::string prefix = "listening on ";
    if (line && line->starts_with(prefix)) url_ = line->substr(prefix.size());
    EXPECT_FALSE(url_.empty())
        << "fake_http_server.py did not start: " << line.value_or("(no line)");
  }

  // "http://127.0.0.1:PORT" (https:// with TLS), without a trailing slash;
  // empty if it failed.
  const std::string& url() const { return url_; }

  // Sends one command and returns the server's answer.
  nlohmann::json Command(const nlohmann::json& command) {
    if (!process_.WriteLine(command.dump())) {
      ADD_FAILURE() << "cannot write to fake_http_server.py";
      return nullptr;
    }
    const std::optional<std::string> answer =
        process_.ReadLine(absl::Seconds(30));
    if (!answer) {
      ADD_FAILURE() << "no answer from fake_http_server.py";
      return nullptr;
    }
    return nlohmann::json::parse(*answer);
  }

  nlohmann::json Stats() { return Command({{"stats", true}}); }

 private:
  static std::vector<std::string> Argv(
      const std::vector<std::string>& arguments) {
    std::vector<std::string> argv = {"/usr/bin/python3",
                                     std::string(SPOTBURST_SOURCE_DIR) +
                                         "/tests/testing/fake_http_server.py"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return argv;
  }

  ChildProcess process_;
  std::string url_;
};

// A loopback port that refuses connections: bound, so no one else takes
// it while the socket lives, but not listening.
class RefusingPort {
 public:
  RefusingPort() : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    if (fd_ < 0 ||
        bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
            0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      ADD_FAILURE() << "cannot bind a loopback port";
      return;
    }
    port_ = ntohs(address.sin_port);
  }
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;
  ~RefusingPort() {
    if (fd_ >= 0) close(fd_);
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
  }

 private:
  int fd_;
  int port_ = 0;
};

}  // namespace spotburst::testing

#endif  // SPOTBURST_TESTS_TESTING_FAKE_HTTP_SERVER_H_
