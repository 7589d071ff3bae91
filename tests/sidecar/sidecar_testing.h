// Helpers for the sidecar tests: the example policy and state, an
// in-process server on 127.0.0.1:0 with a stub, and child processes (the
// daemon, the CLI, the client examples) with their output captured.
#ifndef SPOTBURST_TESTS_SIDECAR_SIDECAR_TESTING_H_
#define SPOTBURST_TESTS_SIDECAR_SIDECAR_TESTING_H_

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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

// A child process with stdout and stderr on pipes, read into strings.
// (Not testing/child_process.h's ChildProcess, a helper server ended by
// closing its stdin: a test may use both.)
class CapturedProcess {
 public:
  // `env`: variables set for the child (NAME -> value) on top of this
  // process's environment.
  explicit CapturedProcess(const std::vector<std::string>& argv,
                           const std::map<std::string, std::string>& env = {}) {
    // Built before fork: the child may only make async-signal-safe calls.
    std::vector<char*> args;
    for (const std::string& a : argv) {
      args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    std::vector<std::string> variables;
    for (char** v = environ; *v != nullptr; ++v) {
      const std::string variable = *v;
      if (!env.contains(variable.substr(0, variable.find('=')))) {
        variables.push_back(variable);
      }
    }
    for (const auto& [name, value] : env)
      variables.push_back(name + "=" + value);
    std::vector<char*> envp;
    for (std::string& v : variables) envp.push_back(v.data());
    envp.push_back(nullptr);
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);  // dup2 clears close-on-exec on 1 and 2
      dup2(err[1], 2);
      execve(args[0], args.data(), envp.data());
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

  // Never kill(-1): a child that did not start has no pid.
  void Signal(int signal_number) {
    if (pid_ > 0) kill(pid_, signal_number);
  }
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

struct HttpResponse {
  int code = 0;
  std::string head;  // status line and headers
  std::string body;
};

// One HTTP/1.0 request to 127.0.0.1:`port`; the server closes the
// connection after its answer.
inline HttpResponse Http(int port, const std::string& method,
                         const std::string& path) {
  HttpResponse response;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{.tv_sec = 10, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
      0) {
    close(fd);
    return response;
  }
  const std::string request =
      absl::StrCat(method, " ", path, " HTTP/1.0\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(write(fd, request.data(), request.size()),
            static_cast<ssize_t>(request.size()));
  std::string raw;
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof(buffer))) > 0;) {
    raw.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  const size_t blank = raw.find("\r\n\r\n");
  if (blank == std::string::npos) return response;
  response.head = raw.substr(0, blank);
  response.body = raw.substr(blank + 4);
  std::vector<std::string> status =
      absl::StrSplit(raw, absl::MaxSplits(' ', 2));
  if (status.size() > 1) (void)absl::SimpleAtoi(status[1], &response.code);
  return response;
}

// Prometheus text: sample lines by name and labels ("a{b=\"c\"}") -> value.
inline std::map<std::string, double> MetricSamples(const std::string& text) {
  std::map<std::string, double> samples;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    double value = 0;
    EXPECT_TRUE(absl::SimpleAtod(line.substr(space + 1), &value)) << line;
    samples[std::string(line.substr(0, space))] = value;
  }
  return samples;
}

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
