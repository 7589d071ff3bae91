// Helpers for the sidecar tests: the example policy and state, an
// in-process server on 127.0.0.1:0 with a stub, and child processes (the
// daemon, the CLI, the client examples) with their output captured.
#ifndef SPOTBURST_TESTS_SIDECAR_SIDECAR_TESTING_H_
#define SPOTBURST_TESTS_SIDECAR_SIDECAR_TESTING_H_

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "sidecar/server.h"
#include "spotburst/engine.h"
#include "spotburst/internal/state_proto.h"
#include "spotburst/policy.h"
#include "spotburst/v1/policy_service.grpc.pb.h"
#include "spotburst/wire_format.h"

namespace spotburst::testing {

inline std::string Repo(const std::string& path) {
  return std::string(SPOTBURST_SOURCE_DIR) + "/" + path;
}
inline const char kPolicyFile[] = "examples/policies/experiment1-revised.yaml";
inline const char kOtherPolicyFile[] =
    "examples/policies/experiment2-scale-down.yaml";
inline const char kStateFile[] = "examples/client_cpp/state.json";

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void WriteAll(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// A fresh directory under the test's temporary directory.
inline std::string MakeTempDir() {
  std::string pattern = ::testing::TempDir() + "/sidecar_XXXXXX";
  EXPECT_NE(mkdtemp(pattern.data()), nullptr);
  return pattern;
}

// The example state, as the library and as the wire see it.
inline StateWithTime ExampleState() {
  absl::StatusOr<StateWithTime> state =
      ParseStateJson(ReadAll(Repo(kStateFile)));
  EXPECT_TRUE(state.ok()) << state.status();
  return *state;
}
inline v1::EvaluationState ExampleStateProto() {
  const StateWithTime state = ExampleState();
  return internal::ToProto(state.input, state.now);
}

// What the library decides for `state` under the policy file: one JSON line.
inline std::string LibraryPlanJson(const std::string& policy_file,
                                   const StateWithTime& state) {
  absl::StatusOr<Policy> policy = LoadPolicyFile(Repo(policy_file));
  EXPECT_TRUE(policy.ok()) << policy.status();
  absl::StatusOr<Engine> engine = Engine::Create(*policy);
  EXPECT_TRUE(engine.ok()) << engine.status();
  absl::StatusOr<Evaluation> evaluation =
      engine->Evaluate(state.input, state.now);
  EXPECT_TRUE(evaluation.ok()) << evaluation.status();
  return PlanToJson(evaluation->plan, evaluation->state);
}

// A plan received over the wire, in the library's JSON form.
inline std::string WirePlanJson(const v1::Plan& plan) {
  absl::StatusOr<Evaluation> evaluation = internal::EvaluationFromProto(plan);
  EXPECT_TRUE(evaluation.ok()) << evaluation.status();
  return PlanToJson(evaluation->plan, evaluation->state);
}

inline std::unique_ptr<sidecar::SidecarServer> StartServer(
    sidecar::SidecarOptions options) {
  options.listen = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<sidecar::SidecarServer>> server =
      sidecar::SidecarServer::Start(std::move(options));
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

inline std::string Address(int port) {
  return absl::StrCat("127.0.0.1:", port);
}

inline std::shared_ptr<grpc::Channel> PlainChannel(int port) {
  return grpc::CreateChannel(Address(port), grpc::InsecureChannelCredentials());
}

// Every call in the tests has a deadline.
inline void SetDeadline(grpc::ClientContext& context,
                        absl::Duration timeout = absl::Seconds(10)) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

// Calls `method` with `bytes` as the request, whatever they are.
inline grpc::Status RawCall(int port, const std::string& method,
                            const std::string& bytes) {
  grpc::GenericStub stub(PlainChannel(port));
  grpc::ClientContext context;
  SetDeadline(context);
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1), response;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  return status;
}

// The daemon's "event=NAME address=HOST:PORT" line: the port, 0 if none.
inline int LoggedPort(const std::string& err, const std::string& event) {
  const std::string key = absl::StrCat("event=", event, " address=");
  const size_t line = err.find(key);
  if (line == std::string::npos) return 0;
  const size_t end = err.find_first_of(" \n", line + key.size());
  const size_t colon = err.rfind(':', end);
  int port = 0;
  return absl::SimpleAtoi(err.substr(colon + 1, end - colon - 1), &port) ? port
                                                                         : 0;
}

// A program run by a test, its stdout and stderr read from pipes (unlike
// testing/child_process.h, whose helpers talk over stdin and stdout).
class CapturedProcess {
 public:
  explicit CapturedProcess(const std::vector<std::string>& argv) {
    // Built before fork: the child may only make async-signal-safe calls.
    std::vector<char*> args;
    for (const std::string& a : argv) {
      args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);  // dup2 clears close-on-exec on 1 and 2
      dup2(err[1], 2);
      execv(args[0], args.data());
      _exit(127);
    }
    close(out[1]);
    close(err[1]);
    out_fd_ = out[0];
    err_fd_ = err[0];
  }
  CapturedProcess(const CapturedProcess&) = delete;
  CapturedProcess& operator=(const CapturedProcess&) = delete;
  ~CapturedProcess() {
    if (pid_ > 0 && !exit_code_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) close(out_fd_);
    if (err_fd_ >= 0) close(err_fd_);
  }

  // Reads output until `stop` says so or both pipes close; false at the
  // deadline.
  template <typename Stop>
  bool ReadUntil(Stop stop, absl::Time deadline) {
    while (!stop()) {
      pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
      int open = 0;
      for (pollfd& f : fds) open += f.fd >= 0;
      if (open == 0) return true;
      const int64_t wait_ms = absl::ToInt64Milliseconds(deadline - absl::Now());
      if (wait_ms <= 0) return false;
      if (poll(fds, 2, static_cast<int>(wait_ms)) < 0 && errno != EINTR) {
        return false;
      }
      Drain(fds[0], out_fd_, out_);
      Drain(fds[1], err_fd_, err_);
    }
    return true;
  }

  // Waits for the child to exit (its pipes close first); its exit code, or
  // nullopt at the deadline (the child is then killed).
  std::optional<int> Wait(absl::Duration timeout = absl::Seconds(60)) {
    if (!ReadUntil([] { return false; }, absl::Now() + timeout)) {
      return std::nullopt;
    }
    int status = 0;
    waitpid(pid_, &status, 0);
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    return exit_code_;
  }

  void Signal(int signal_number) { kill(pid_, signal_number); }
  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

 private:
  static void Drain(const pollfd& f, int& fd, std::string& into) {
    if (fd < 0 || (f.revents & (POLLIN | POLLHUP | POLLERR)) == 0) return;
    char buffer[65536];
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n > 0) {
      into.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      close(fd);
      fd = -1;
    }
  }

  pid_t pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  std::string out_, err_;
  std::optional<int> exit_code_;
};

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs a program to completion (at most a minute).
inline RunResult RunProgram(const std::vector<std::string>& argv) {
  CapturedProcess child(argv);
  std::optional<int> code = child.Wait();
  return {code.value_or(-1), child.out(), child.err()};
}

}  // namespace spotburst::testing

#endif  // SPOTBURST_TESTS_SIDECAR_SIDECAR_TESTING_H_
