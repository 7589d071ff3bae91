// A loopback TCP proxy whose link a test can cut and restore: a network
// partition between a client and its server, on demand.
#ifndef SPOTBURST_TESTS_TESTING_TCP_PROXY_H_
#define SPOTBURST_TESTS_TESTING_TCP_PROXY_H_

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace spotburst::testing {

class TcpProxy {
 public:
  // Forwards 127.0.0.1:port() to 127.0.0.1:`target_port`; see ok().
  explicit TcpProxy(int target_port) : target_port_(target_port) {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address = Loopback(0);
    socklen_t length = sizeof(address);
    if (listener_ < 0 ||
        bind(listener_, reinterpret_cast<sockaddr*>(&address),
             sizeof(address)) != 0 ||
        listen(listener_, 16) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&address),
                    &length) != 0 ||
        pipe2(wake_, O_CLOEXEC) != 0) {
      return;
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Run(); });
  }
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;
  ~TcpProxy() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    Wake();
    if (thread_.joinable()) thread_.join();
    for (int fd : {listener_, wake_[0], wake_[1]}) {
      if (fd >= 0) close(fd);
    }
  }

  bool ok() const { return port_ > 0; }
  int port() const { return port_; }

  // Drops every connection and takes no new one (they wait in the
  // backlog) until Restore().
  void Cut() {
    {
      absl::MutexLock lock(&mu_);
      cut_ = true;
    }
    Wake();
  }
  void Restore() {
    {
      absl::MutexLock lock(&mu_);
      cut_ = false;
    }
    Wake();
  }

 private:
  static sockaddr_in Loopback(int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    return address;
  }

  void Wake() {
    if (wake_[1] >= 0) (void)!write(wake_[1], "x", 1);
  }

  // Each pair: client and server side; a pair is closed whole.
  void Run() {
    std::vector<std::pair<int, int>> pairs;
    auto close_all = [&pairs] {
      for (auto [a, b] : pairs) {
        close(a);
        close(b);
      }
      pairs.clear();
    };
    while (true) {
      bool cut = false;
      {
        absl::MutexLock lock(&mu_);
        if (stopping_) break;
        cut = cut_;
      }
      if (cut) close_all();
      std::vector<pollfd> fds;
      fds.push_back({.fd = wake_[0], .events = POLLIN, .revents = 0});
      fds.push_back(
          {.fd = cut ? -1 : listener_, .events = POLLIN, .revents = 0});
      for (auto [a, b] : pairs) {
        fds.push_back({.fd = a, .events = POLLIN, .revents = 0});
        fds.push_back({.fd = b, .events = POLLIN, .revents = 0});
      }
      if (poll(fds.data(), fds.size(), -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      if (fds[0].revents != 0) {
        char drain[64];
        (void)!read(wake_[0], drain, sizeof(drain));
        continue;  // the state may have changed
      }
      // A pair accepted now was not polled.
      const size_t polled = pairs.size();
      if (fds[1].revents != 0) {
        const int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (client >= 0) {
          const int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
          const sockaddr_in target = Loopback(target_port_);
          if (server >= 0 &&
              connect(server, reinterpret_cast<const sockaddr*>(&target),
                      sizeof(target)) == 0) {
            pairs.emplace_back(client, server);
          } else {
            close(client);
            if (server >= 0) close(server);
          }
        }
      }
      std::vector<std::pair<int, int>> open(pairs.begin() + polled,
                                            pairs.end());
      for (size_t i = 0; i < polled; ++i) {
        const pollfd& from_client = fds[2 + 2 * i];
        const pollfd& from_server = fds[3 + 2 * i];
        const auto [client, server] = pairs[i];
        const bool alive =
            Forward(from_client, server) && Forward(from_server, client);
        if (alive) {
          open.emplace_back(client, server);
        } else {
          close(client);
          close(server);
        }
      }
      pairs = std::move(open);
    }
    close_all();
  }

  // Copies what is readable on `from` to `to`; false once the link ends.
  static bool Forward(const pollfd& from, int to) {
    if (from.revents == 0) return true;
    char buffer[16384];
    const ssize_t n = read(from.fd, buffer, sizeof(buffer));
    if (n <= 0) return false;
    ssize_t done = 0;
    while (done < n) {
      const ssize_t written = write(to, buffer + done, n - done);
      if (written <= 0) return false;
      done += written;
    }
    return true;
  }

  const int target_port_;
  int listener_ = -1;
  int wake_[2] = {-1, -1};
  int port_ = 0;
  absl::Mutex mu_;
  bool cut_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace spotburst::testing

#endif  // SPOTBURST_TESTS_TESTING_TCP_PROXY_H_
