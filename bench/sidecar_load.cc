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
//   sidecar_load [--requests 20000] [--streams 1,4] [--rounds 3]
//                [--methods Ping,Evaluate/name]
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
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

Run RunLoad(std::vector<std::unique_ptr<Stub>>& stubs, const Call& call) {
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
  const absl::Time start = absl::Now();
  all(per_stream, true);
  const absl::Duration elapsed = absl::Now() - start;

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
  sidecar::SidecarOptions options;
  options.listen = "127.0.0.1:0";
  options.policy_files = {{"exp1", policy_file}};
  absl::StatusOr<std::unique_ptr<sidecar::SidecarServer>> server =
      sidecar::SidecarServer::Start(options);
  if (!engine.ok() || !server.ok()) {
    std::cerr << "sidecar_load: " << engine.status() << " " << server.status()
              << "\n";
    return 1;
  }
  const int port = (*server)->port();

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
               "| vs Ping |\n|---|---:|---:|---:|---:|---:|---:|\n";
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
        Run run = RunLoad(stubs, call);
        if (run.per_second > best[name].per_second) best[name] = run;
      }
    }
    for (const auto& [name, call] : selected) {
      const Run& r = best[name];
      std::cout << absl::StrFormat(
          "| %s | %d | %d%s | %.0f | %.0f | %.0f | %.0f %% |\n", name, streams,
          r.requests,
          r.failures > 0 ? absl::StrFormat(" (%d failed)", r.failures) : "",
          r.per_second, r.p50_us, r.p99_us,
          best.contains("Ping") ? 100 * r.per_second / best["Ping"].per_second
                                : 0.0);
    }
  }
  (*server)->Shutdown(absl::Now() + absl::Seconds(5));
  return 0;
}

}  // namespace
}  // namespace spotburst

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return spotburst::Main();
}
