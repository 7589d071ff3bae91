// Benchmarks of the Mesos adapter's JSON parsers on a large cluster: the
// agent list is read from the leading master on every tick.
//
// BM_ParseAgents/agents:N
//   ParseAgents on a /master/slaves body of N agents (N = 1,000 and
//   10,000), shaped as a 1.x master writes it: per agent its id, address,
//   pid, times, version and capabilities, four or five attributes, the
//   resources, used, offered, reserved (for a role, on one agent in four)
//   and unreserved resource objects with ports, and their *_full arrays of
//   Resource objects; nine agents in ten private, one in ten a burst
//   instance (instance_id attribute, revocable cpus), one in fifty
//   draining. `body_MB` is the body's size; bytes_per_second is the
//   parse rate, `per_agent` the time per agent.
// BM_ParseGetAgents/agents:N
//   ParseGetAgents on the v1 operator API's GET_AGENTS answer for the same
//   cluster (protobuf JSON: attributes and resources as lists of typed
//   objects).
// BM_ParseMetricsSnapshot
//   ParseMetricsSnapshot on a snapshot of 400 metrics, of which it reads
//   eleven.
// Every body is parsed once before timing and checked to give N agents.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "benchmark/benchmark.h"
#include "master_json.h"

namespace {

using spotburst::mesos::AgentList;
using spotburst::mesos::MetricsSnapshot;

constexpr char kMasterId[] = "7eb34f10-b07c-4921-aece-bbaece09dfd1";

struct Shape {
  bool burst;     // an EC2 instance: instance_id, revocable cpus
  bool reserved;  // a quarter of its cpus and mem reserved for "analytics"
  bool draining;
  double cpus, mem, disk;
  double used_cpus, used_mem, used_disk;
  double offered_cpus, offered_mem;
};

Shape ShapeOf(int i) {
  Shape s;
  s.burst = i % 10 == 9;
  s.reserved = i % 4 == 0;
  s.draining = i % 50 == 49;
  s.cpus = s.burst ? 2 : 16;
  s.mem = s.burst ? 3840 : 61952;
  s.disk = s.burst ? 32768 : 460800;
  s.used_cpus = (i % 7) * s.cpus / 8;
  s.used_mem = (i % 5) * s.mem / 8;
  s.used_disk = (i % 3) * 1024;
  s.offered_cpus = i % 11 == 0 ? s.cpus - s.used_cpus : 0;
  s.offered_mem = i % 11 == 0 ? s.mem - s.used_mem : 0;
  return s;
}

std::string AgentId(int i) { return absl::StrCat(kMasterId, "-S", i); }
std::string Ip(int i) {
  return absl::StrCat("10.", 20 + i / 65536, ".", (i / 256) % 256, ".",
                      i % 256);
}

// {"cpus": ..., "gpus": 0.0, "mem": ..., "disk": ...[, ports][, revocable]}
std::string ResourcesObject(double cpus, double mem, double disk,
                            const std::string& ports, double revocable) {
  std::string out = absl::StrFormat(
      R"({"cpus":%.1f,"gpus":0.0,"mem":%.1f,"disk":%.1f)", cpus, mem, disk);
  if (!ports.empty()) absl::StrAppend(&out, R"(,"ports":")", ports, "\"");
  if (revocable > 0) {
    absl::StrAppend(&out,
                    absl::StrFormat(R"(,"cpus_revocable":%.1f)", revocable));
  }
  return out + "}";
}

// One full Resource object, as protobuf JSON writes it.
std::string ScalarResource(const char* name, double value, const char* role,
                           bool revocable, const char* allocation_role) {
  std::string out = absl::StrFormat(
      R"({"name":"%s","type":"SCALAR","scalar":{"value":%.1f})", name, value);
  if (role != nullptr && std::string(role) != "*") {
    absl::StrAppend(&out, R"(,"reservations":[{"type":"STATIC","role":")", role,
                    R"("}])");
  }
  if (revocable) absl::StrAppend(&out, R"(,"revocable":{})");
  if (allocation_role != nullptr) {
    absl::StrAppend(&out, R"(,"allocation_info":{"role":")", allocation_role,
                    R"("})");
  }
  return out + "}";
}

std::string PortsResource(const char* ports_begin_end,
                          const char* allocation_role) {
  std::string out =
      absl::StrCat(R"({"name":"ports","type":"RANGES","ranges":{"range":[)",
                   ports_begin_end, "]}");
  if (allocation_role != nullptr) {
    absl::StrAppend(&out, R"(,"allocation_info":{"role":")", allocation_role,
                    R"("})");
  }
  return out + "}";
}

std::string SlavesBody(int agents) {
  std::string body = R"({"slaves":[)";
  for (int i = 0; i < agents; ++i) {
    const Shape s = ShapeOf(i);
    const double revocable = s.burst ? 1 : 0;
    const double reserved_cpus = s.reserved ? s.cpus / 4 : 0;
    const double reserved_mem = s.reserved ? s.mem / 4 : 0;
    if (i > 0) body += ",";
    absl::StrAppend(
        &body, R"({"id":")", AgentId(i), R"(","hostname":")",
        s.burst ? absl::StrCat("ip-", Ip(i), ".ec2.internal") : Ip(i),
        R"(","port":5051,"attributes":{)");
    if (s.burst) {
      absl::StrAppend(&body, R"("cloud_type":"aws","instance_id":"i-0a1b2c3d)",
                      absl::StrFormat("%09x", i),
                      R"(","zone":"us-east-1a","os":"debian12"},)");
    } else {
      absl::StrAppend(&body, R"("cloud_type":"private","rack":)", i / 40,
                      R"(,"zone":"dc1-)", i % 3 == 0 ? "a" : "b",
                      R"(","os":"centos7","weight":2.5},)");
    }
    absl::StrAppend(
        &body,
        R"("domain":{"fault_domain":{"region":{"name":"dc1"},"zone":{"name":"dc1-a"}}},)",
        R"("pid":"slave(1)@)", Ip(i), R"(:5051","registered_time":)",
        absl::StrFormat("%.2f", 1693221901.55 + i),
        R"(,"reregistered_time":1693308312.01,)");
    absl::StrAppend(
        &body, R"("resources":)",
        ResourcesObject(s.cpus, s.mem, s.disk, "[31000-32000]", revocable),
        R"(,"used_resources":)",
        ResourcesObject(s.used_cpus, s.used_mem, s.used_disk,
                        s.used_cpus > 0 ? "[31002-31004]" : "", 0),
        R"(,"offered_resources":)",
        ResourcesObject(s.offered_cpus, s.offered_mem, 0, "", 0),
        R"(,"reserved_resources":{)");
    if (s.reserved) {
      absl::StrAppend(&body, R"("analytics":)",
                      ResourcesObject(reserved_cpus, reserved_mem, 0, "", 0));
    }
    absl::StrAppend(
        &body, R"(},"unreserved_resources":)",
        ResourcesObject(s.cpus - reserved_cpus, s.mem - reserved_mem, s.disk,
                        "[31000-32000]", revocable),
        R"(,"reserved_resources_full":{)");
    if (s.reserved) {
      absl::StrAppend(
          &body, R"("analytics":[)",
          ScalarResource("cpus", reserved_cpus, "analytics", false, nullptr),
          ",", ScalarResource("mem", reserved_mem, "analytics", false, nullptr),
          "]");
    }
    absl::StrAppend(
        &body, R"(},"unreserved_resources_full":[)",
        ScalarResource("cpus", s.cpus - reserved_cpus, "*", false, nullptr),
        ",", ScalarResource("mem", s.mem - reserved_mem, "*", false, nullptr),
        ",", ScalarResource("disk", s.disk, "*", false, nullptr), ",",
        PortsResource(R"({"begin":31000,"end":32000})", nullptr));
    if (s.burst) {
      absl::StrAppend(&body, ",",
                      ScalarResource("cpus", revocable, "*", true, nullptr));
    }
    absl::StrAppend(&body, R"(],"used_resources_full":[)");
    if (s.used_cpus > 0) {
      absl::StrAppend(
          &body, ScalarResource("cpus", s.used_cpus, "*", false, "etl"), ",",
          ScalarResource("mem", s.used_mem, "*", false, "etl"), ",",
          PortsResource(R"({"begin":31002,"end":31004})", "etl"));
    }
    absl::StrAppend(&body, R"(],"offered_resources_full":[)");
    if (s.offered_cpus > 0) {
      absl::StrAppend(
          &body, ScalarResource("cpus", s.offered_cpus, "*", false, "web"), ",",
          ScalarResource("mem", s.offered_mem, "*", false, "web"));
    }
    absl::StrAppend(
        &body, R"(],"active":true,"deactivated":)",
        s.draining ? "true" : "false",
        R"(,"version":"1.11.0","capabilities":["MULTI_ROLE","HIERARCHICAL_ROLE","RESERVATION_REFINEMENT","RESOURCE_PROVIDER","RESIZE_VOLUME","AGENT_OPERATION_FEEDBACK","AGENT_DRAINING","TASK_RESOURCE_LIMITS"])");
    if (s.draining) {
      absl::StrAppend(
          &body,
          R"(,"drain_info":{"state":"DRAINING","config":{"max_grace_period":{"nanoseconds":120000000000},"mark_gone":false}},"estimated_drain_start_time_seconds":1693309900.0)");
    }
    body += "}";
  }
  body += R"(],"recovered_slaves":[]})";
  return body;
}

std::string GetAgentsBody(int agents) {
  std::string body = R"({"type":"GET_AGENTS","get_agents":{"agents":[)";
  for (int i = 0; i < agents; ++i) {
    const Shape s = ShapeOf(i);
    const double reserved_cpus = s.reserved ? s.cpus / 4 : 0;
    const double reserved_mem = s.reserved ? s.mem / 4 : 0;
    if (i > 0) body += ",";
    absl::StrAppend(
        &body, R"({"agent_info":{"hostname":")",
        s.burst ? absl::StrCat("ip-", Ip(i), ".ec2.internal") : Ip(i),
        R"(","port":5051,"id":{"value":")", AgentId(i), R"("},"attributes":[)");
    auto text = [&](const char* name, const std::string& value) {
      return absl::StrCat(R"({"name":")", name,
                          R"(","type":"TEXT","text":{"value":")", value,
                          R"("}})");
    };
    if (s.burst) {
      absl::StrAppend(&body, text("cloud_type", "aws"), ",",
                      text("instance_id", absl::StrFormat("i-0a1b2c3d%09x", i)),
                      ",", text("zone", "us-east-1a"), ",",
                      text("os", "debian12"));
    } else {
      absl::StrAppend(
          &body, text("cloud_type", "private"), ",",
          R"({"name":"rack","type":"SCALAR","scalar":{"value":)", i / 40, "}},",
          text("zone", i % 3 == 0 ? "dc1-a" : "dc1-b"), ",",
          text("os", "centos7"), ",",
          R"({"name":"weight","type":"SCALAR","scalar":{"value":2.5}})");
    }
    absl::StrAppend(
        &body, "],", R"("resources":[)",
        ScalarResource("cpus", s.cpus, "*", false, nullptr), ",",
        ScalarResource("mem", s.mem, "*", false, nullptr), ",",
        ScalarResource("disk", s.disk, "*", false, nullptr), ",",
        PortsResource(R"({"begin":31000,"end":32000})", nullptr),
        R"(],"domain":{"fault_domain":{"region":{"name":"dc1"},"zone":{"name":"dc1-a"}}}},)",
        R"("active":true,"deactivated":)", s.draining ? "true" : "false",
        R"(,"version":"1.11.0","pid":"slave(1)@)", Ip(i),
        R"(:5051","registered_time":{"nanoseconds":1693221901550000000},)",
        R"("reregistered_time":{"nanoseconds":1693308312010000000},)",
        R"("total_resources":[)",
        ScalarResource("cpus", s.cpus - reserved_cpus, "*", false, nullptr),
        ",", ScalarResource("mem", s.mem - reserved_mem, "*", false, nullptr),
        ",", ScalarResource("disk", s.disk, "*", false, nullptr), ",",
        PortsResource(R"({"begin":31000,"end":32000})", nullptr));
    if (s.reserved) {
      absl::StrAppend(
          &body, ",",
          ScalarResource("cpus", reserved_cpus, "analytics", false, nullptr),
          ",",
          ScalarResource("mem", reserved_mem, "analytics", false, nullptr));
    }
    if (s.burst) {
      absl::StrAppend(&body, ",",
                      ScalarResource("cpus", 1, "*", true, nullptr));
    }
    body += "]";
    if (s.used_cpus > 0) {
      absl::StrAppend(
          &body, R"(,"allocated_resources":[)",
          ScalarResource("cpus", s.used_cpus, "*", false, "etl"), ",",
          ScalarResource("mem", s.used_mem, "*", false, "etl"), ",",
          PortsResource(R"({"begin":31002,"end":31004})", "etl"), "]");
    }
    if (s.offered_cpus > 0) {
      absl::StrAppend(
          &body, R"(,"offered_resources":[)",
          ScalarResource("cpus", s.offered_cpus, "*", false, "web"), ",",
          ScalarResource("mem", s.offered_mem, "*", false, "web"), "]");
    }
    absl::StrAppend(
        &body,
        R"(,"capabilities":[{"type":"MULTI_ROLE"},{"type":"HIERARCHICAL_ROLE"},{"type":"RESERVATION_REFINEMENT"},{"type":"RESOURCE_PROVIDER"},{"type":"RESIZE_VOLUME"},{"type":"AGENT_OPERATION_FEEDBACK"},{"type":"AGENT_DRAINING"},{"type":"TASK_RESOURCE_LIMITS"}])");
    if (s.draining) {
      absl::StrAppend(
          &body,
          R"(,"drain_info":{"state":"DRAINING","config":{"max_grace_period":{"nanoseconds":120000000000},"mark_gone":false}},"estimated_drain_start_time":{"nanoseconds":1693309900000000000})");
    }
    body += "}";
  }
  body += "]}}";
  return body;
}

template <typename Parse>
void RunParse(benchmark::State& state, const std::string& body, int agents,
              Parse parse) {
  const absl::StatusOr<AgentList> check = parse(body);
  if (!check.ok() || static_cast<int>(check->agents.size()) != agents) {
    state.SkipWithError(check.ok()
                            ? "wrong number of agents"
                            : std::string(check.status().message()).c_str());
    return;
  }
  for (auto _ : state) {
    absl::StatusOr<AgentList> list = parse(body);
    benchmark::DoNotOptimize(list);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(body.size()));
  state.counters["body_MB"] = static_cast<double>(body.size()) / 1e6;
  state.counters["per_agent"] =
      benchmark::Counter(agents, benchmark::Counter::kIsIterationInvariantRate |
                                     benchmark::Counter::kInvert);
}

void BM_ParseAgents(benchmark::State& state) {
  const int agents = static_cast<int>(state.range(0));
  const std::string body = SlavesBody(agents);
  RunParse(state, body, agents, [](const std::string& b) {
    return spotburst::mesos::ParseAgents(b);
  });
}
BENCHMARK(BM_ParseAgents)
    ->ArgName("agents")
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond);

void BM_ParseGetAgents(benchmark::State& state) {
  const int agents = static_cast<int>(state.range(0));
  const std::string body = GetAgentsBody(agents);
  RunParse(state, body, agents, [](const std::string& b) {
    return spotburst::mesos::ParseGetAgents(b);
  });
}
BENCHMARK(BM_ParseGetAgents)
    ->ArgName("agents")
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond);

void BM_ParseMetricsSnapshot(benchmark::State& state) {
  std::string body =
      R"({"master/elected":1.0,"master/uptime_secs":86412.7,)"
      R"("master/cpus_total":96.0,"master/cpus_used":88.5,)"
      R"("master/mem_total":371712.0,"master/mem_used":301056.0,)"
      R"("master/disk_total":2764800.0,"master/disk_used":409600.0,)"
      R"("master/gpus_total":0.0,"master/gpus_used":0.0,)"
      R"("master/slaves_active":6.0)";
  for (int i = 0; i < 389; ++i) {
    absl::StrAppend(&body, R"(,"allocator/mesos/roles/role)", i,
                    R"(/shares/dominant":0.)", i);
  }
  body += "}";
  const absl::StatusOr<MetricsSnapshot> check =
      spotburst::mesos::ParseMetricsSnapshot(body);
  if (!check.ok() || !check->elected) {
    state.SkipWithError("the snapshot does not parse");
    return;
  }
  for (auto _ : state) {
    absl::StatusOr<MetricsSnapshot> snapshot =
        spotburst::mesos::ParseMetricsSnapshot(body);
    benchmark::DoNotOptimize(snapshot);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_ParseMetricsSnapshot);

}  // namespace

BENCHMARK_MAIN();
