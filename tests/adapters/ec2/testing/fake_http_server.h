// The loopback HTTP server of the EC2 adapter's tests
// (tests/adapters/ec2/fake_http_server.py) as a child process: started on a
// free port, scripted by JSON commands on its stdin, each answered by a
// JSON line, and ended by closing its stdin. Nothing here waits for a time:
// reads wait for a line, with a deadline only to fail a hung test.
#ifndef SPOTBURST_TESTS_ADAPTERS_EC2_TESTING_FAKE_HTTP_SERVER_H_
#define SPOTBURST_TESTS_ADAPTERS_EC2_TESTING_FAKE_HTTP_SERVER_H_

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace spotburst::testing {

class FakeHttpServer {
 public:
  FakeHttpServer() {
    const std::string script = std::string(SPOTBURST_SOURCE_DIR) +
                               "/tests/adapters/ec2/fake_http_server.py";
    const char* argv[] = {"/usr/bin/python3", script.c_str(), nullptr};
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);  // dup2 clears close-on-exec on 0 and 1
      dup2(out[1], 1);
      execv(argv[0], const_cast<char* const*>(argv));
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_server_ = in[1];
    from_server_ = out[0];
    const std::optional<std::string> line = ReadLine();
    const std::string prefix = "listening on ";
    if (line && line->starts_with(prefix)) url_ = line->substr(prefix.size());
    EXPECT_FALSE(url_.empty())
        << "fake_http_server.py did not start: " << line.value_or("(no line)");
  }
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;
  ~FakeHttpServer() {
    if (to_server_ >= 0) close(to_server_);  // the server ends
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
    if (from_server_ >= 0) close(from_server_);
  }

  // "http://127.0.0.1:PORT", without a trailing slash; empty if it failed.
  const std::string& url() const { return url_; }

  // Sends one command and returns the server's answer.
  nlohmann::json Command(const nlohmann::json& command) {
    const std::string line = command.dump() + "\n";
    if (write(to_server_, line.data(), line.size()) !=
        static_cast<ssize_t>(line.size())) {
      ADD_FAILURE() << "cannot write to fake_http_server.py";
      return nullptr;
    }
    const std::optional<std::string> answer = ReadLine();
    if (!answer) {
      ADD_FAILURE() << "no answer from fake_http_server.py";
      return nullptr;
    }
    return nlohmann::json::parse(*answer);
  }

  nlohmann::json Stats() { return Command({{"stats", true}}); }

 private:
  std::optional<std::string> ReadLine() {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    for (;;) {
      if (const size_t end = buffer_.find('\n'); end != std::string::npos) {
        std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 1);
        return line;
      }
      pollfd fd = {from_server_, POLLIN, 0};
      const int64_t wait_ms = absl::ToInt64Milliseconds(deadline - absl::Now());
      if (wait_ms <= 0) return std::nullopt;
      const int ready = poll(&fd, 1, static_cast<int>(wait_ms));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return std::nullopt;
      char chunk[4096];
      const ssize_t n = read(from_server_, chunk, sizeof(chunk));
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  pid_t pid_ = -1;
  int to_server_ = -1;
  int from_server_ = -1;
  std::string buffer_;
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

#endif  // SPOTBURST_TESTS_ADAPTERS_EC2_TESTING_FAKE_HTTP_SERVER_H_
