// ParseGetAgents: the v1 operator API's GET_AGENTS answer in protobuf's
// JSON shapes (ids wrapped in {"value": ...}, attributes and resources as
// lists of typed objects, empty lists left out), read into the same
// AgentList as /master/slaves.
#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "master_json.h"
#include "master_json_reading.h"

namespace spotburst::mesos {
namespace {

using json::od::json_type;
namespace od = json::od;

constexpr std::string_view kEndpoint = "GET_AGENTS";

// Debian's Abseil has its own string_view.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

// A structural error stops everything; a problem is noted and reading goes
// on. SIMDJSON_TRY-like, for functions returning an error_code.
#define SPOTBURST_JSON_TRY(expression)                            \
  do {                                                            \
    if (const simdjson::error_code json_try_error = (expression); \
        json_try_error != simdjson::SUCCESS) {                    \
      return json_try_error;                                      \
    }                                                             \
  } while (false)

// The object at `field`, or false with the problem noted.
simdjson::error_code AsObject(od::value& value, const json::Field& field,
                              od::object& out, bool& ok,
                              json::Problem& problem) {
  ok = false;
  json_type type;
  SPOTBURST_JSON_TRY(value.type().get(type));
  if (type != json_type::object) {
    problem.Set(absl::StrCat(field.Text(), ": is ", Sv(json::KindName(type)),
                             ", not an object"));
    return simdjson::SUCCESS;
  }
  SPOTBURST_JSON_TRY(value.get_object().get(out));
  ok = true;
  return simdjson::SUCCESS;
}

simdjson::error_code AsArray(od::value& value, const json::Field& field,
                             od::array& out, bool& ok, json::Problem& problem) {
  ok = false;
  json_type type;
  SPOTBURST_JSON_TRY(value.type().get(type));
  if (type != json_type::array) {
    problem.Set(absl::StrCat(field.Text(), ": is ", Sv(json::KindName(type)),
                             ", not an array"));
    return simdjson::SUCCESS;
  }
  SPOTBURST_JSON_TRY(value.get_array().get(out));
  ok = true;
  return simdjson::SUCCESS;
}

// {"value": "..."} at `field` (an AgentID, a Value.Text).
simdjson::error_code ReadWrappedString(od::value value,
                                       const json::Field& field,
                                       std::string& out,
                                       json::Problem& problem) {
  od::object object;
  bool ok = false;
  SPOTBURST_JSON_TRY(AsObject(value, field, object, ok, problem));
  if (!ok) return simdjson::SUCCESS;
  bool seen = false;
  for (auto member : object) {
    od::field f;
    SPOTBURST_JSON_TRY(std::move(member).get(f));
    if (f.key() != "value") continue;
    seen = true;
    SPOTBURST_JSON_TRY(
        json::ReadString(f.value(), field.Then("value"), out, problem));
  }
  if (!seen) problem.Set(field.Then("value").Text() + ": is missing");
  return simdjson::SUCCESS;
}

// {"value": 2.5} at `field` (a Value.Scalar).
simdjson::error_code ReadWrappedQuantity(od::value value,
                                         const json::Field& field, double& out,
                                         bool& seen, json::Problem& problem) {
  od::object object;
  bool ok = false;
  SPOTBURST_JSON_TRY(AsObject(value, field, object, ok, problem));
  if (!ok) return simdjson::SUCCESS;
  for (auto member : object) {
    od::field f;
    SPOTBURST_JSON_TRY(std::move(member).get(f));
    if (f.key() != "value") continue;
    seen = true;
    SPOTBURST_JSON_TRY(
        json::ReadQuantity(f.value(), field.Then("value"), out, problem));
  }
  return simdjson::SUCCESS;
}

// {"range": [{"begin": 31000, "end": 32000}, ...]} -> "[31000-32000, ...]".
simdjson::error_code ReadRanges(od::value value, const json::Field& field,
                                std::string& out, json::Problem& problem) {
  od::object object;
  bool ok = false;
  SPOTBURST_JSON_TRY(AsObject(value, field, object, ok, problem));
  if (!ok) return simdjson::SUCCESS;
  out.clear();
  out.push_back('[');
  bool first = true;
  const json::Field ranges_field = field.Then("range");
  for (auto member : object) {
    od::field f;
    SPOTBURST_JSON_TRY(std::move(member).get(f));
    if (f.key() != "range") continue;
    od::array ranges;
    od::value list = f.value();
    SPOTBURST_JSON_TRY(AsArray(list, ranges_field, ranges, ok, problem));
    if (!ok) continue;
    for (auto element : ranges) {
      od::value range;
      SPOTBURST_JSON_TRY(std::move(element).get(range));
      od::object bounds;
      SPOTBURST_JSON_TRY(AsObject(range, ranges_field, bounds, ok, problem));
      if (!ok) continue;
      uint64_t begin = 0, end = 0;
      for (auto bound : bounds) {
        od::field b;
        SPOTBURST_JSON_TRY(std::move(bound).get(b));
        uint64_t* target = b.key() == "begin" ? &begin
                           : b.key() == "end" ? &end
                                              : nullptr;
        if (target == nullptr) continue;
        if (b.value().get_uint64().get(*target) != simdjson::SUCCESS) {
          problem.Set(ranges_field.Text() +
                      ": a bound is not a whole number >= 0");
        }
      }
      absl::StrAppend(&out, first ? "" : ", ", begin, "-", end);
      first = false;
    }
  }
  out.push_back(']');
  return simdjson::SUCCESS;
}

// {"item": ["a", "b"]} -> "{a, b}".
simdjson::error_code ReadSet(od::value value, const json::Field& field,
                             std::string& out, json::Problem& problem) {
  od::object object;
  bool ok = false;
  SPOTBURST_JSON_TRY(AsObject(value, field, object, ok, problem));
  if (!ok) return simdjson::SUCCESS;
  out.clear();
  out.push_back('{');
  bool first = true;
  const json::Field items_field = field.Then("item");
  for (auto member : object) {
    od::field f;
    SPOTBURST_JSON_TRY(std::move(member).get(f));
    if (f.key() != "item") continue;
    od::array items;
    od::value list = f.value();
    SPOTBURST_JSON_TRY(AsArray(list, items_field, items, ok, problem));
    if (!ok) continue;
    for (auto element : items) {
      od::value item;
      SPOTBURST_JSON_TRY(std::move(element).get(item));
      std::string text;
      SPOTBURST_JSON_TRY(json::ReadString(item, items_field, text, problem));
      absl::StrAppend(&out, first ? "" : ", ", text);
      first = false;
    }
  }
  out.push_back('}');
  return simdjson::SUCCESS;
}

// One Attribute: {"name": "rack", "type": "SCALAR", "scalar": {"value": 12}}
// at `list`[`index`].
simdjson::error_code ReadAttribute(od::value value, std::string_view list,
                                   size_t index, Attributes& out,
                                   json::Problem& problem) {
  const json::Field field(list, static_cast<int64_t>(index));
  od::object object;
  bool ok = false;
  SPOTBURST_JSON_TRY(AsObject(value, field, object, ok, problem));
  if (!ok) return simdjson::SUCCESS;
  std::string name, type, text;
  bool seen_value = false;
  json::Problem attribute_problem;
  for (auto member : object) {
    od::field f;
    SPOTBURST_JSON_TRY(std::move(member).get(f));
    const simdjson::ondemand::raw_json_string key = f.key();
    if (key == "name") {
      SPOTBURST_JSON_TRY(json::ReadString(f.value(), field.Then("name"), name,
                                          attribute_problem));
    } else if (key == "type") {
      SPOTBURST_JSON_TRY(json::ReadString(f.value(), field.Then("type"), type,
                                          attribute_problem));
    } else if (key == "text") {
      seen_value = true;
      SPOTBURST_JSON_TRY(ReadWrappedString(f.value(), field.Then("text"), text,
                                           attribute_problem));
    } else if (key == "scalar") {
      double number = 0;
      bool seen = false;
      SPOTBURST_JSON_TRY(ReadWrappedQuantity(f.value(), field.Then("scalar"),
                                             number, seen, attribute_problem));
      if (!seen) {
        attribute_problem.Set(field.Then("scalar").Then("value").Text() +
                              ": is missing");
      }
      seen_value = true;
      text = json::MesosScalarText(number);
    } else if (key == "ranges") {
      seen_value = true;
      SPOTBURST_JSON_TRY(
          ReadRanges(f.value(), field.Then("ranges"), text, attribute_problem));
    } else if (key == "set") {
      seen_value = true;
      SPOTBURST_JSON_TRY(
          ReadSet(f.value(), field.Then("set"), text, attribute_problem));
    }
  }
  if (name.empty()) {
    attribute_problem.Set(field.Then("name").Text() + ": is missing");
  }
  if (!seen_value) {
    attribute_problem.Set(field.Text() +
                          ": no text, scalar, ranges or set value");
  }
  if (attribute_problem.found()) {
    problem.Set(attribute_problem.text());
    return simdjson::SUCCESS;
  }
  out.emplace(std::move(name), std::move(text));  // the first one wins
  return simdjson::SUCCESS;
}

// The attributes list at `list` ("attributes" or "agent_info.attributes").
simdjson::error_code ReadAttributes(od::value value, std::string_view list,
                                    Attributes& out, json::Problem& problem) {
  od::array array;
  bool ok = false;
  SPOTBURST_JSON_TRY(AsArray(value, list, array, ok, problem));
  if (!ok) return simdjson::SUCCESS;
  size_t index = 0;
  for (auto element : array) {
    od::value attribute;
    SPOTBURST_JSON_TRY(std::move(element).get(attribute));
    SPOTBURST_JSON_TRY(ReadAttribute(attribute, list, index++, out, problem));
  }
  return simdjson::SUCCESS;
}

// A list of Resource objects at `list`, summed per name: cpus, mem, disk,
// gpus; revocable ones and other names skipped.
simdjson::error_code ReadResourceList(od::value value, std::string_view list,
                                      Resources& out, json::Problem& problem) {
  od::array array;
  bool ok = false;
  SPOTBURST_JSON_TRY(AsArray(value, list, array, ok, problem));
  if (!ok) return simdjson::SUCCESS;
  int64_t index = 0;
  for (auto element : array) {
    od::value item;
    SPOTBURST_JSON_TRY(std::move(element).get(item));
    const json::Field where(list, index++);
    od::object resource;
    SPOTBURST_JSON_TRY(AsObject(item, where, resource, ok, problem));
    if (!ok) continue;
    std::string name;
    double amount = 0;
    bool seen_scalar = false, revocable = false;
    json::Problem resource_problem;
    for (auto member : resource) {
      od::field f;
      SPOTBURST_JSON_TRY(std::move(member).get(f));
      const simdjson::ondemand::raw_json_string key = f.key();
      if (key == "name") {
        SPOTBURST_JSON_TRY(json::ReadString(f.value(), where.Then("name"), name,
                                            resource_problem));
      } else if (key == "scalar") {
        SPOTBURST_JSON_TRY(ReadWrappedQuantity(f.value(), where.Then("scalar"),
                                               amount, seen_scalar,
                                               resource_problem));
      } else if (key == "revocable") {
        revocable = true;  // oversubscribed: may go at any time
      }
    }
    double* target = name == "cpus"   ? &out.cpus
                     : name == "mem"  ? &out.mem_mib
                     : name == "disk" ? &out.disk_mib
                     : name == "gpus" ? &out.gpus
                                      : nullptr;
    if (name.empty()) {
      resource_problem.Set(where.Then("name").Text() + ": is missing");
    }
    if (target != nullptr && !seen_scalar) {
      resource_problem.Set(absl::StrCat(where.Text(), " (", name,
                                        "): scalar.value: is missing"));
    }
    if (resource_problem.found()) {
      problem.Set(resource_problem.text());
    } else if (target != nullptr && !revocable) {
      *target += amount;
    }
  }
  return simdjson::SUCCESS;
}

// What an AgentInfo gives: id, hostname, attributes. `nested`: inside an
// agent, as "agent_info"; else a recovered agent, the AgentInfo itself.
simdjson::error_code ReadAgentInfo(od::value value, bool nested,
                                   std::string& id, std::string& hostname,
                                   Attributes& attributes,
                                   json::Problem& problem) {
  const std::string_view id_field = nested ? "agent_info.id" : "id";
  const std::string_view hostname_field =
      nested ? "agent_info.hostname" : "hostname";
  json_type type;
  SPOTBURST_JSON_TRY(value.type().get(type));
  if (type != json_type::object) {
    problem.Set(absl::StrCat(nested ? "agent_info: " : "", "is ",
                             Sv(json::KindName(type)), ", not an object"));
    return simdjson::SUCCESS;
  }
  od::object object;
  SPOTBURST_JSON_TRY(value.get_object().get(object));
  bool seen_id = false, seen_hostname = false;
  for (auto member : object) {
    od::field f;
    SPOTBURST_JSON_TRY(std::move(member).get(f));
    const simdjson::ondemand::raw_json_string key = f.key();
    if (key == "id") {
      seen_id = true;
      SPOTBURST_JSON_TRY(ReadWrappedString(f.value(), id_field, id, problem));
    } else if (key == "hostname") {
      seen_hostname = true;
      SPOTBURST_JSON_TRY(
          json::ReadString(f.value(), hostname_field, hostname, problem));
    } else if (key == "attributes") {
      SPOTBURST_JSON_TRY(ReadAttributes(
          f.value(), nested ? "agent_info.attributes" : "attributes",
          attributes, problem));
    }
  }
  if (!seen_id) problem.Set(absl::StrCat(Sv(id_field), ": is missing"));
  if (!seen_hostname) {
    problem.Set(absl::StrCat(Sv(hostname_field), ": is missing"));
  }
  if (!problem.found() && id.empty()) {
    problem.Set(absl::StrCat(Sv(id_field), ".value: is empty"));
  }
  return simdjson::SUCCESS;
}

std::string AgentWhere(std::string_view list, size_t index,
                       const std::string& id) {
  std::string where = absl::StrCat("get_agents.", Sv(list), "[", index, "]");
  if (!id.empty()) absl::StrAppend(&where, " (id ", json::Quote(id), ")");
  return where;
}

absl::Status ReadAgent(od::value value, size_t index, Agent& agent) {
  json::Problem problem;
  bool seen_info = false, seen_total = false, seen_active = false;
  auto fail = [&](simdjson::error_code error) {
    return json::SyntaxError(kEndpoint, AgentWhere("agents", index, agent.id),
                             error);
  };
  json_type type;
  if (const simdjson::error_code error = value.type().get(type)) {
    return fail(error);
  }
  if (type != json_type::object) {
    return json::Invalid(
        kEndpoint, AgentWhere("agents", index, ""),
        absl::StrCat("is ", Sv(json::KindName(type)), ", not an object"));
  }
  od::object object;
  if (const simdjson::error_code error = value.get_object().get(object)) {
    return fail(error);
  }
  for (auto member : object) {
    od::field f;
    if (const simdjson::error_code error = std::move(member).get(f)) {
      return fail(error);
    }
    const simdjson::ondemand::raw_json_string key = f.key();
    simdjson::error_code error = simdjson::SUCCESS;
    if (key == "agent_info") {
      seen_info = true;
      error = ReadAgentInfo(f.value(), /*nested=*/true, agent.id,
                            agent.hostname, agent.attributes, problem);
    } else if (key == "total_resources") {
      seen_total = true;
      error =
          ReadResourceList(f.value(), "total_resources", agent.total, problem);
    } else if (key == "allocated_resources") {
      error = ReadResourceList(f.value(), "allocated_resources", agent.used,
                               problem);
    } else if (key == "offered_resources") {
      error = ReadResourceList(f.value(), "offered_resources", agent.offered,
                               problem);
    } else if (key == "active") {
      seen_active = true;
      error = json::ReadBool(f.value(), "active", agent.active, problem);
    } else if (key == "deactivated") {
      error =
          json::ReadBool(f.value(), "deactivated", agent.deactivated, problem);
    } else if (key == "drain_info") {
      error =
          json::ReadDrainInfo(f.value(), "drain_info", agent.drain, problem);
    }
    if (error) return fail(error);
  }
  if (!seen_info) problem.Set("agent_info: is missing");
  if (!seen_total) problem.Set("total_resources: is missing");
  if (!seen_active) problem.Set("active: is missing");
  if (problem.found()) {
    return json::Invalid(kEndpoint, AgentWhere("agents", index, agent.id),
                         problem.text());
  }
  return absl::OkStatus();
}

absl::Status ReadRecovered(od::value value, size_t index,
                           RecoveredAgent& agent) {
  json::Problem problem;
  if (const simdjson::error_code error =
          ReadAgentInfo(value, /*nested=*/false, agent.id, agent.hostname,
                        agent.attributes, problem)) {
    return json::SyntaxError(
        kEndpoint, AgentWhere("recovered_agents", index, agent.id), error);
  }
  if (problem.found()) {
    return json::Invalid(kEndpoint,
                         AgentWhere("recovered_agents", index, agent.id),
                         problem.text());
  }
  return absl::OkStatus();
}

template <typename Read>
absl::Status ForEachElement(od::value value, std::string_view name, Read read) {
  const std::string where = absl::StrCat("get_agents.", Sv(name));
  od::array array;
  bool ok = false;
  json::Problem problem;
  if (const simdjson::error_code error =
          AsArray(value, where, array, ok, problem)) {
    return json::SyntaxError(kEndpoint, where, error);
  }
  if (!ok) return json::Invalid(kEndpoint, "", problem.text());
  size_t index = 0;
  for (auto element : array) {
    od::value v;
    if (const simdjson::error_code error = std::move(element).get(v)) {
      return json::SyntaxError(kEndpoint, absl::StrCat(where, "[", index, "]"),
                               error);
    }
    if (absl::Status status = read(v, index); !status.ok()) return status;
    ++index;
  }
  return absl::OkStatus();
}

#undef SPOTBURST_JSON_TRY

}  // namespace

absl::StatusOr<AgentList> ParseGetAgents(std::string_view body) {
  json::Document document;
  od::object root;
  if (absl::Status status = json::OpenObject(kEndpoint, body, document, root);
      !status.ok()) {
    return status;
  }
  AgentList list;
  bool seen_answer = false;
  for (auto member : root) {
    od::field f;
    if (const simdjson::error_code error = std::move(member).get(f)) {
      return json::SyntaxError(kEndpoint, "", error);
    }
    const simdjson::ondemand::raw_json_string key = f.key();
    if (key == "type") {
      std::string type;
      json::Problem problem;
      if (const simdjson::error_code error =
              json::ReadString(f.value(), "type", type, problem)) {
        return json::SyntaxError(kEndpoint, "type", error);
      }
      if (problem.found()) return json::Invalid(kEndpoint, "", problem.text());
      if (type != "GET_AGENTS") {
        return json::Invalid(
            kEndpoint, "type",
            absl::StrCat(json::Quote(type), " is not GET_AGENTS"));
      }
      continue;
    }
    if (key != "get_agents") continue;
    seen_answer = true;
    od::object answer;
    bool ok = false;
    json::Problem problem;
    od::value v = f.value();
    if (const simdjson::error_code error =
            AsObject(v, "get_agents", answer, ok, problem)) {
      return json::SyntaxError(kEndpoint, "get_agents", error);
    }
    if (!ok) return json::Invalid(kEndpoint, "", problem.text());
    list = AgentList();
    for (auto part : answer) {
      od::field p;
      if (const simdjson::error_code error = std::move(part).get(p)) {
        return json::SyntaxError(kEndpoint, "get_agents", error);
      }
      absl::Status status;
      if (p.key() == "agents") {
        status =
            ForEachElement(p.value(), "agents", [&](od::value e, size_t i) {
              return ReadAgent(e, i, list.agents.emplace_back());
            });
      } else if (p.key() == "recovered_agents") {
        status = ForEachElement(
            p.value(), "recovered_agents", [&](od::value e, size_t i) {
              return ReadRecovered(e, i, list.recovered.emplace_back());
            });
      }
      if (!status.ok()) return status;
    }
  }
  if (!seen_answer) return json::Invalid(kEndpoint, "get_agents", "is missing");
  if (absl::Status status = json::CheckEnd(kEndpoint, document); !status.ok()) {
    return status;
  }
  return list;
}

}  // namespace spotburst::mesos
