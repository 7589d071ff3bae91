// sidecar_load: Evaluate against the empty RPC, over loopback.
//
// Starts spotburstd's server in this process on 127.0.0.1:0 and drives it
// with 1 and with several client streams (one thread and one connection
// each, blocking calls, one in flight per stream) for a fixed number of
// requests per run, bounded in time. Methods:
//
//   Ping              the empty RPC: the floor gRPC itself sets
//   ValidatePolicy/name  a lookup answered with a 1 KB message (the
//                     effective policy): the floor for a call that carries
//                     data but does no work
//   Evaluate/name     the example state under a policy loaded at startup
//   Evaluate/inline   the same with the policy sent in every request (the
//                     server's policy cache makes validation a lookup)
//
// The methods take turns, round after round, and each row reports the
// method's best round (highest throughput), with its p50 / p99 latency as
// the client sees it: on a shared machine other work only ever slows a run
// down, so the best of several interleaved rounds is the steadiest figure.
// The last column is Evaluate's throughput relative to Ping's (the goal:
// >= 80 %). Client and server share the machine, as a sidecar and its
// caller would. First, for scale, the in-process cost of what Evaluate does
// besides gRPC.
//
// With --server_cpu / --client_cpu the server runs in a child process
// pinned to one CPU and the clients to another (as `taskset` would), so that
// the ratio does not depend on how the scheduler mixes them; each row then
// also shows the server's CPU time per call (from /proc, user + system),
// and the server's pid is printed for `perf record -p`. --decision_log
// turns the server's decision log on (a file in a new temporary directory).
//
//   sidecar_load [--requests 20000] [--streams 1,4] [--rounds 3]
//                [--methods Ping,Evaluate/name]
//                [--server_cpu 1 --client_cpu 0] [--decision_log]
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "sidecar/server.h"
#include "spotburst/engine.h"
#include "spotburst/internal/policy_proto.h"
#include "spotburst/internal/state_proto.h"
#include "spotburst/policy.h"
#include "spotburst/v1/policy_service.grpc.pb.h"
#include "spotburst/wire_format.h"

ABSL_FLAG(int, requests, 20000, "requests per run (all streams together)");
ABSL_FLAG(std::vector<std::string>, streams,
          (std::vector<std::string>{"1", "4"}), "client stream counts");
ABSL_FLAG(std::vector<std::string>, methods, {},
          "methods to run, e.g. Ping,Evaluate/name (default: all)");
ABSL_FLAG(int, rounds, 3, "interleaved rounds; each row is the best");
ABSL_FLAG(double, max_seconds, 30, "time limit of one run, seconds");
ABSL_FLAG(int, warmup, 500, "requests before each run");
ABSL_FLAG(int, server_cpu, -1,
          "run the server in a child process pinned to this CPU (-1: in this "
          "process, unpinned unless --client_cpu is set)");
ABSL_FLAG(int, client_cpu, -1,
          "pin the clients to this CPU (-1: unpinned); with it set the server "
          "runs in a child process");
ABSL_FLAG(bool, decision_log, false,
          "the server writes a decision log (in a new temporary directory)");
ABSL_FLAG(std::string, source_dir, SPOTBURST_SOURCE_DIR,
          "the spotburst source tree (for the example policy and state)");

namespace spotburst {
namespace {

using Stub = v1::PolicyService::Stub;
using Call = std::function<grpc::Status(Stub&)>;

struct Run {
  int64_t requests = 0;
  int64_t failures = 0;
  double per_second = 0;
  double p50_us = 0, p99_us = 0;
  double server_cpu_us = -1;  // per call; < 0: not measured
};

// Pins this thread, and the threads it starts from now on, to `cpu`.
void PinTo(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof(set), &set) != 0) {
    std::perror("sidecar_load: sched_setaffinity");
    std::exit(1);
  }
}

// The server: in this process, or in a child process (which then owns it).
class Server {
 public:
  static std::unique_ptr<Server> Start(sidecar::SidecarOptions options,
                                       bool child, int cpu) {
    auto server = std::unique_ptr<Server>(new Server);
    if (!child) {
      absl::StatusOr<std::unique_ptr<sidecar::SidecarServer>> started =
          sidecar::SidecarServer::Start(std::move(options));
      if (!started.ok()) {
        std::cerr << "sidecar_load: " << started.status() << "\n";
        return nullptr;
      }
      server->in_process_ = *std::move(started);
      server->port_ = server->in_process_->port();
      return server;
    }
    int ready[2], stop[2];
    if (pipe(ready) != 0 || pipe(stop) != 0) return nullptr;
    // Before this process has started any gRPC thread.
    const pid_t pid = fork();
    if (pid == 0) {
      close(ready[0]);
      close(stop[1]);
      if (cpu >= 0) PinTo(cpu);
      absl::StatusOr<std::unique_ptr<sidecar::SidecarServer>> started =
          sidecar::SidecarServer::Start(std::move(options));
      if (!started.ok()) std::cerr << "sidecar_load: " << started.status();
      const int port = started.ok() ? (*started)->port() : 0;
      if (write(ready[1], &port, sizeof(port)) != sizeof(port)) _exit(1);
      char byte;
      while (read(stop[0], &byte, 1) > 0) {
      }  // end of file: the parent is done
      if (started.ok()) {
        (*started)->Shutdown(absl::Now() + absl::Seconds(5));
        if (sidecar::DecisionLog* log = (*started)->decision_log()) {
          const sidecar::DecisionLog::Stats stats = log->stats();
          std::cerr << absl::StrFormat(
              "decision log: %d recorded, %d written, %d dropped\n",
              stats.recorded, stats.written, stats.dropped);
        }
      }
      _exit(0);
    }
    close(ready[1]);
    close(stop[0]);
    server->pid_ = pid;
    server->stop_fd_ = stop[1];
    if (read(ready[0], &server->port_, sizeof(server->port_)) !=
            sizeof(server->port_) ||
        server->port_ == 0) {
      close(ready[0]);
      return nullptr;
    }
    close(ready[0]);
    return server;
  }

  ~Server() {
    if (in_process_ != nullptr) {
      in_process_->Shutdown(absl::Now() + absl::Seconds(5));
    }
    if (pid_ > 0) {
      close(stop_fd_);
      waitpid(pid_, nullptr, 0);
    }
  }

  int port() const { return port_; }
  pid_t pid() const { return pid_ > 0 ? pid_ : getpid(); }

  // The child's CPU time so far (user + system, all its threads); < 0 for
  // a server in this process, whose time cannot be told from the clients'.
  double CpuSeconds() const {
    if (pid_ <= 0) return -1;
    std::ifstream in(absl::StrFormat("/proc/%d/stat", pid_));
    std::string stat((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    // Fields after the command (which may hold spaces) start at ") ".
    const size_t at = stat.rfind(") ");
    if (at == std::string::npos) return -1;
    std::istringstream fields(stat.substr(at + 2));
    std::string field;
    double utime = 0, stime = 0;
    // state is field 3, utime 14 and stime 15.
    for (int i = 3; i <= 15 && fields >> field; ++i) {
      if (i == 14) utime = std::atof(field.c_str());
      if (i == 15) stime = std::atof(field.c_str());
    }
    return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }

 private:
  Server() = default;
  std::unique_ptr<sidecar::SidecarServer> in_process_;
  pid_t pid_ = 0;
  int stop_fd_ = -1;
  int port_ = 0;
};

double Percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  const size_t at =
      std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
  std::nth_element(values.begin(), values.begin() + at, values.end());
  return values[at];
}

std::unique_ptr<Stub> NewStub(int port) {
  grpc::ChannelArguments arguments;
  // One connection per stream: stubs share no subchannel.
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return v1::PolicyService::NewStub(
      grpc::CreateCustomChannel(absl::StrFormat("127.0.0.1:%d", port),
                                grpc::InsecureChannelCredentials(), arguments));
}

Run RunLoad(std::vector<std::unique_ptr<Stub>>& stubs, const Call& call,
            const Server& server) {
  const int streams = static_cast<int>(stubs.size());
  const int per_stream = absl::GetFlag(FLAGS_requests) / streams;
  const int warmup = absl::GetFlag(FLAGS_warmup) / streams;
  const absl::Duration limit = absl::Seconds(absl::GetFlag(FLAGS_max_seconds));
  std::vector<std::vector<double>> latencies(streams);
  std::vector<int64_t> failures(streams, 0);

  auto all = [&](int count, bool measure) {
    const absl::Time deadline = absl::Now() + limit;
    std::vector<std::thread> threads;
    for (int s = 0; s < streams; ++s) {
      threads.emplace_back([&, s] {
        for (int i = 0; i < count && absl::Now() < deadline; ++i) {
          const absl::Time start = absl::Now();
          const bool ok = call(*stubs[s]).ok();
          if (!measure) continue;
          latencies[s].push_back(
              absl::ToDoubleMicroseconds(absl::Now() - start));
          failures[s] += ok ? 0 : 1;
        }
      });
    }
    for (std::thread& t : threads) t.join();
  };
  all(warmup, false);
  const double cpu_before = server.CpuSeconds();
  const absl::Time start = absl::Now();
  all(per_stream, true);
  const absl::Duration elapsed = absl::Now() - start;
  const double cpu_after = server.CpuSeconds();

  Run run;
  std::vector<double> merged;
  for (int s = 0; s < streams; ++s) {
    merged.insert(merged.end(), latencies[s].begin(), latencies[s].end());
    run.failures += failures[s];
  }
  run.requests = static_cast<int64_t>(merged.size());
  run.per_second = run.requests / absl::ToDoubleSeconds(elapsed);
  run.p50_us = Percentile(merged, 0.50);
  run.p99_us = Percentile(merged, 0.99);
  if (cpu_before >= 0 && run.requests > 0) {
    run.server_cpu_us = 1e6 * (cpu_after - cpu_before) / run.requests;
  }
  return run;
}

// What Evaluate does besides gRPC, in this thread: parse, check, convert,
// evaluate, convert back, serialize.
void PrintInProcessCost(const Engine& engine, const v1::EvaluateRequest& req) {
  const std::string wire = req.SerializeAsString();
  constexpr int kIterations = 20000;
  absl::Duration engine_time, total;
  for (int i = 0; i < kIterations; ++i) {
    const absl::Time t0 = absl::Now();
    v1::EvaluateRequest request;
    request.ParseFromString(wire);
    (void)internal::ValidateEvaluationState(request.state());
    absl::StatusOr<StateWithTime> state = internal::FromProto(request.state());
    const absl::Time t1 = absl::Now();
    absl::StatusOr<Evaluation> e = engine.Evaluate(state->input, state->now);
    const absl::Time t2 = absl::Now();
    v1::EvaluateResponse response;
    *response.mutable_plan() = internal::ToProto(e->plan, e->state);
    const std::string out = response.SerializeAsString();
    v1::EvaluateResponse parsed;  // what the client does with it
    parsed.ParseFromString(out);
    engine_time += t2 - t1;
    total += absl::Now() - t0;
  }
  std::cout << absl::StrFormat(
      "in-process, per Evaluate: %.1f us in all, of which Engine::Evaluate "
      "%.1f us and protobuf parse / check / convert / serialize (both "
      "sides) %.1f us\n",
      absl::ToDoubleMicroseconds(total / kIterations),
      absl::ToDoubleMicroseconds(engine_time / kIterations),
      absl::ToDoubleMicroseconds((total - engine_time) / kIterations));
}

int Main() {
  const std::string dir = absl::GetFlag(FLAGS_source_dir);
  const std::string policy_file =
      dir + "/examples/policies/experiment1-revised.yaml";
  absl::StatusOr<Policy> policy = LoadPolicyFile(policy_file);
  std::ifstream state_file(dir + "/examples/client_cpp/state.json");
  const std::string state_json((std::istreambuf_iterator<char>(state_file)),
                               std::istreambuf_iterator<char>());
  absl::StatusOr<StateWithTime> state = ParseStateJson(state_json);
  if (!policy.ok() || !state.ok()) {
    std::cerr << "sidecar_load: " << policy.status() << " " << state.status()
              << "\n";
    return 1;
  }
  absl::StatusOr<Engine> engine = Engine::Create(*policy);
  if (!engine.ok()) {
    std::cerr << "sidecar_load: " << engine.status() << "\n";
    return 1;
  }
  sidecar::SidecarOptions options;
  options.listen = "127.0.0.1:0";
  options.policy_files = {{"exp1", policy_file}};
  if (absl::GetFlag(FLAGS_decision_log)) {
    char dir[] = "/tmp/sidecar_load.XXXXXX";
    if (mkdtemp(dir) == nullptr) {
      std::perror("sidecar_load: mkdtemp");
      return 1;
    }
    options.decision_log.path = std::string(dir) + "/decisions.jsonl";
    std::cout << "decision log: " << options.decision_log.path << "\n";
  }
  const int server_cpu = absl::GetFlag(FLAGS_server_cpu);
  const int client_cpu = absl::GetFlag(FLAGS_client_cpu);
  std::unique_ptr<Server> server =
      Server::Start(std::move(options),
                    /*child=*/server_cpu >= 0 || client_cpu >= 0, server_cpu);
  if (server == nullptr) {
    std::cerr << "sidecar_load: the server did not start\n";
    return 1;
  }
  if (client_cpu >= 0) PinTo(client_cpu);
  const int port = server->port();
  std::cout << absl::StrFormat(
                   "server pid %d, port %d; CPUs: server %s, "
                   "clients %s\n",
                   server->pid(), port,
                   server_cpu >= 0 ? absl::StrCat(server_cpu) : "any",
                   client_cpu >= 0 ? absl::StrCat(client_cpu) : "any")
            << std::flush;

  v1::EvaluateRequest by_name;
  by_name.set_policy_name("exp1");
  *by_name.mutable_state() = internal::ToProto(state->input, state->now);
  v1::EvaluateRequest inline_policy = by_name;
  v1::ValidatePolicyRequest validate;
  validate.set_policy_name("exp1");
  *inline_policy.mutable_policy() = internal::PolicyToProto(*policy);

  auto with_deadline = [](grpc::ClientContext& context) {
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  };
  const std::vector<std::pair<std::string, Call>> methods = {
      {"Ping",
       [&](Stub& stub) {
         grpc::ClientContext context;
         with_deadline(context);
         v1::PingResponse response;
         return stub.Ping(&context, {}, &response);
       }},
      {"ValidatePolicy/name",
       [&](Stub& stub) {
         grpc::ClientContext context;
         with_deadline(context);
         v1::ValidatePolicyRequest r;
         r.set_policy_name("exp1");
         v1::ValidatePolicyResponse response;
         return stub.ValidatePolicy(&context, r, &response);
       }},
      {"Evaluate/name",
       [&](Stub& stub) {
         grpc::ClientContext context;
         with_deadline(context);
         v1::EvaluateResponse response;
         return stub.Evaluate(&context, by_name, &response);
       }},
      {"Evaluate/inline",
       [&](Stub& stub) {
         grpc::ClientContext context;
         with_deadline(context);
         v1::EvaluateResponse response;
         return stub.Evaluate(&context, inline_policy, &response);
       }},
  };

  std::cout << absl::StrFormat(
      "request sizes: Ping 0 B, Evaluate/name %d B, Evaluate/inline %d B; "
      "response of Evaluate %d B; %d hardware threads\n",
      by_name.ByteSizeLong(), inline_policy.ByteSizeLong(),
      internal::ToProto(engine->Evaluate(state->input, state->now)->plan)
          .ByteSizeLong(),
      std::thread::hardware_concurrency());
  PrintInProcessCost(*engine, by_name);
  std::cout << "\n| method | streams | requests | calls/s | p50 us | p99 us "
               "| server CPU us/call | vs Ping |\n"
               "|---|---:|---:|---:|---:|---:|---:|---:|\n";
  std::vector<std::pair<std::string, Call>> selected;
  for (const auto& method : methods) {
    const std::vector<std::string> only = absl::GetFlag(FLAGS_methods);
    if (only.empty() ||
        std::find(only.begin(), only.end(), method.first) != only.end()) {
      selected.push_back(method);
    }
  }
  for (const std::string& streams_flag : absl::GetFlag(FLAGS_streams)) {
    const int streams = std::max(1, std::atoi(streams_flag.c_str()));
    std::vector<std::unique_ptr<Stub>> stubs;
    for (int i = 0; i < streams; ++i) stubs.push_back(NewStub(port));
    std::map<std::string, Run> best;
    for (int round = 0; round < absl::GetFlag(FLAGS_rounds); ++round) {
      for (const auto& [name, call] : selected) {
        Run run = RunLoad(stubs, call, *server);
        if (run.per_second > best[name].per_second) best[name] = run;
      }
    }
    for (const auto& [name, call] : selected) {
      const Run& r = best[name];
      std::cout << absl::StrFormat(
          "| %s | %d | %d%s | %.0f | %.0f | %.0f | %s | %.0f %% |\n", name,
          streams, r.requests,
          r.failures > 0 ? absl::StrFormat(" (%d failed)", r.failures) : "",
          r.per_second, r.p50_us, r.p99_us,
          r.server_cpu_us >= 0 ? absl::StrFormat("%.1f", r.server_cpu_us) : "-",
          best.contains("Ping") ? 100 * r.per_second / best["Ping"].per_second
                                : 0.0);
    }
  }
  std::cout << std::flush;
  server.reset();
  return 0;
}

}  // namespace
}  // namespace spotburst

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return spotburst::Main();
}
