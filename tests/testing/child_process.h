// A helper program run beside a test (a fake server): started with a pipe
// on its stdin and stdout, read line by line, and ended by closing its
// stdin, so that a test that dies leaves nothing running. Reads wait for a
// line; the deadline only fails a test whose helper hung.
#ifndef SPOTBURST_TESTS_TESTING_CHILD_PROCESS_H_
#define SPOTBURST_TESTS_TESTING_CHILD_PROCESS_H_

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace spotburst::testing {

class ChildProcess {
 public:
  // `argv[0]` is the program's path.
  explicit ChildProcess(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const std::string& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0) return;
    if (pipe2(out, O_CLOEXEC) != 0) {
      close(in[0]);
      close(in[1]);
      return;
    }
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);  // dup2 clears close-on-exec on 0 and 1
      dup2(out[1], 1);
      execv(args[0], args.data());
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_child_ = in[1];
    from_child_ = out[0];
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() {
    if (to_child_ >= 0) close(to_child_);  // the child ends
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
    if (from_child_ >= 0) close(from_child_);
  }

  // The next line the child printed, without its newline; nullopt at the
  // end of its output or after `deadline`.
  std::optional<std::string> ReadLine(
      absl::Duration deadline = absl::Seconds(60)) {
    const absl::Time until = absl::Now() + deadline;
    while (true) {
      const size_t newline = buffer_.find('\n');
      if (newline != std::string::npos) {
        std::string line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        return line;
      }
      const absl::Duration left = until - absl::Now();
      if (from_child_ < 0 || left <= absl::ZeroDuration()) return std::nullopt;
      pollfd fd{.fd = from_child_, .events = POLLIN, .revents = 0};
      const int ready =
          poll(&fd, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return std::nullopt;
      char chunk[4096];
      const ssize_t n = read(from_child_, chunk, sizeof(chunk));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  // Writes `line` and a newline to the child's stdin; false if it cannot.
  bool WriteLine(const std::string& line) {
    const std::string data = line + "\n";
    size_t done = 0;
    while (done < data.size()) {
      const ssize_t n =
          write(to_child_, data.data() + done, data.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  bool started() const { return pid_ > 0 && to_child_ >= 0; }

 private:
  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  std::string buffer_;
};

}  // namespace spotburst::testing

#endif  // SPOTBURST_TESTS_TESTING_CHILD_PROCESS_H_
