// ParseAgents: the `slaves` and `recovered_slaves` of /master/slaves (and
// /master/state) as the master's JSON writer shapes them: resources as
// objects of name -> number, attributes as name -> string or number.
#include <simdjson.h>

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

constexpr std::string_view kEndpoint = "/master/slaves";

// Debian's Abseil has its own string_view.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

// "attributes": {"cloud_type": "private", "rack": 12}.
simdjson::error_code ReadAttributes(od::value value, Attributes& out,
                                    json::Problem& problem) {
  json_type type;
  if (simdjson::error_code error = value.type().get(type)) return error;
  if (type != json_type::object) {
    problem.Set(absl::StrCat("attributes: is ", Sv(json::KindName(type)),
                             ", not an object"));
    return simdjson::SUCCESS;
  }
  od::object object;
  if (simdjson::error_code error = value.get_object().get(object)) {
    return error;
  }
  for (auto member : object) {
    od::field f;
    if (simdjson::error_code error = std::move(member).get(f)) return error;
    std::string_view key;
    if (simdjson::error_code error = f.unescaped_key().get(key)) return error;
    std::string name(key);
    od::value attribute = f.value();
    json_type kind;
    if (simdjson::error_code error = attribute.type().get(kind)) return error;
    std::string text;
    json::Field field("attributes");
    field.leaf = name;
    field.quote_leaf = true;
    if (kind == json_type::number) {
      double number = 0;
      json::Problem number_problem;
      if (simdjson::error_code error =
              json::ReadQuantity(attribute, field, number, number_problem)) {
        return error;
      }
      if (number_problem.found()) {
        problem.Set(number_problem.text());
        continue;
      }
      text = json::MesosScalarText(number);
    } else if (kind == json_type::string) {
      if (simdjson::error_code error =
              json::ReadString(attribute, field, text, problem)) {
        return error;
      }
    } else {
      problem.Set(absl::StrCat(field.Text(), ": is ", Sv(json::KindName(kind)),
                               ", not a string or a number"));
      continue;
    }
    out.emplace(std::move(name), std::move(text));  // the first one wins
  }
  return simdjson::SUCCESS;
}

// The fields both kinds of agent have.
simdjson::error_code ReadCommon(od::field& f, std::string& id,
                                std::string& hostname, Attributes& attributes,
                                json::Problem& problem, bool& seen_id,
                                bool& seen_hostname, bool& handled) {
  handled = true;
  const simdjson::ondemand::raw_json_string key = f.key();
  if (key == "id") {
    seen_id = true;
    return json::ReadString(f.value(), "id", id, problem);
  }
  if (key == "hostname") {
    seen_hostname = true;
    return json::ReadString(f.value(), "hostname", hostname, problem);
  }
  if (key == "attributes")
    return ReadAttributes(f.value(), attributes, problem);
  handled = false;
  return simdjson::SUCCESS;
}

// "slaves[3]" or, once the id is known, "slaves[3] (id \"...-S3\")".
std::string AgentWhere(std::string_view list, size_t index,
                       const std::string& id) {
  std::string where = absl::StrCat(Sv(list), "[", index, "]");
  if (!id.empty()) absl::StrAppend(&where, " (id ", json::Quote(id), ")");
  return where;
}

// One element of `slaves`; `has_used` says whether it had used_resources.
absl::Status ReadAgent(od::value value, size_t index, Agent& agent,
                       bool& has_used) {
  json::Problem problem;
  json_type type;
  auto fail = [&](simdjson::error_code error) {
    return json::SyntaxError(kEndpoint, AgentWhere("slaves", index, agent.id),
                             error);
  };
  if (simdjson::error_code error = value.type().get(type)) return fail(error);
  if (type != json_type::object) {
    return json::Invalid(
        kEndpoint, AgentWhere("slaves", index, ""),
        absl::StrCat("is ", Sv(json::KindName(type)), ", not an object"));
  }
  od::object object;
  if (simdjson::error_code error = value.get_object().get(object)) {
    return fail(error);
  }
  bool seen_id = false, seen_hostname = false, seen_resources = false,
       seen_active = false;
  has_used = false;
  for (auto member : object) {
    od::field f;
    if (simdjson::error_code error = std::move(member).get(f)) {
      return fail(error);
    }
    bool handled = false;
    simdjson::error_code error =
        ReadCommon(f, agent.id, agent.hostname, agent.attributes, problem,
                   seen_id, seen_hostname, handled);
    if (!handled) {
      const simdjson::ondemand::raw_json_string key = f.key();
      if (key == "resources") {
        seen_resources = true;
        error = json::ReadResourcesObject(f.value(), "resources", agent.total,
                                          problem);
      } else if (key == "used_resources") {
        has_used = true;
        error = json::ReadResourcesObject(f.value(), "used_resources",
                                          agent.used, problem);
      } else if (key == "offered_resources") {
        error = json::ReadResourcesObject(f.value(), "offered_resources",
                                          agent.offered, problem);
      } else if (key == "active") {
        seen_active = true;
        error = json::ReadBool(f.value(), "active", agent.active, problem);
      } else if (key == "deactivated") {
        error = json::ReadBool(f.value(), "deactivated", agent.deactivated,
                               problem);
      } else if (key == "drain_info") {
        error =
            json::ReadDrainInfo(f.value(), "drain_info", agent.drain, problem);
      }
    }
    if (error) return fail(error);
  }
  if (!seen_id) problem.Set("id: is missing");
  if (!seen_hostname) problem.Set("hostname: is missing");
  if (!seen_resources) problem.Set("resources: is missing");
  if (!seen_active) problem.Set("active: is missing");
  if (problem.found()) {
    return json::Invalid(kEndpoint, AgentWhere("slaves", index, agent.id),
                         problem.text());
  }
  if (agent.id.empty()) {
    return json::Invalid(kEndpoint, AgentWhere("slaves", index, ""),
                         "id: is empty");
  }
  return absl::OkStatus();
}

// One element of `recovered_slaves`: id, hostname, attributes.
absl::Status ReadRecovered(od::value value, size_t index,
                           RecoveredAgent& agent) {
  json::Problem problem;
  json_type type;
  auto fail = [&](simdjson::error_code error) {
    return json::SyntaxError(
        kEndpoint, AgentWhere("recovered_slaves", index, agent.id), error);
  };
  if (simdjson::error_code error = value.type().get(type)) return fail(error);
  if (type != json_type::object) {
    return json::Invalid(
        kEndpoint, AgentWhere("recovered_slaves", index, ""),
        absl::StrCat("is ", Sv(json::KindName(type)), ", not an object"));
  }
  od::object object;
  if (simdjson::error_code error = value.get_object().get(object)) {
    return fail(error);
  }
  bool seen_id = false, seen_hostname = false;
  for (auto member : object) {
    od::field f;
    if (simdjson::error_code error = std::move(member).get(f)) {
      return fail(error);
    }
    bool handled = false;
    if (simdjson::error_code error =
            ReadCommon(f, agent.id, agent.hostname, agent.attributes, problem,
                       seen_id, seen_hostname, handled)) {
      return fail(error);
    }
  }
  if (!seen_id) problem.Set("id: is missing");
  if (!seen_hostname) problem.Set("hostname: is missing");
  if (problem.found()) {
    return json::Invalid(kEndpoint,
                         AgentWhere("recovered_slaves", index, agent.id),
                         problem.text());
  }
  if (agent.id.empty()) {
    return json::Invalid(kEndpoint, AgentWhere("recovered_slaves", index, ""),
                         "id: is empty");
  }
  return absl::OkStatus();
}

// Calls `read(element, index)` for each element of the array `value` at
// `name`.
template <typename Read>
absl::Status ForEachElement(od::value value, std::string_view name, Read read) {
  json_type type;
  if (simdjson::error_code error = value.type().get(type)) {
    return json::SyntaxError(kEndpoint, name, error);
  }
  if (type != json_type::array) {
    return json::Invalid(
        kEndpoint, name,
        absl::StrCat("is ", Sv(json::KindName(type)), ", not an array"));
  }
  od::array array;
  if (simdjson::error_code error = value.get_array().get(array)) {
    return json::SyntaxError(kEndpoint, name, error);
  }
  size_t index = 0;
  for (auto element : array) {
    od::value v;
    if (simdjson::error_code error = std::move(element).get(v)) {
      return json::SyntaxError(kEndpoint,
                               absl::StrCat(Sv(name), "[", index, "]"), error);
    }
    if (absl::Status status = read(v, index); !status.ok()) return status;
    ++index;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<AgentList> ParseAgents(std::string_view body) {
  json::Document document;
  od::object root;
  if (absl::Status status = json::OpenObject(kEndpoint, body, document, root);
      !status.ok()) {
    return status;
  }
  AgentList list;
  bool seen_slaves = false;
  for (auto member : root) {
    od::field f;
    if (simdjson::error_code error = std::move(member).get(f)) {
      return json::SyntaxError(kEndpoint, "", error);
    }
    const simdjson::ondemand::raw_json_string key = f.key();
    absl::Status status;
    if (key == "slaves") {
      seen_slaves = true;
      list.agents.clear();
      status = ForEachElement(f.value(), "slaves", [&](od::value v, size_t i) {
        Agent& agent = list.agents.emplace_back();
        bool has_used = false;
        absl::Status read = ReadAgent(v, i, agent, has_used);
        if (!has_used) list.reports_used = false;
        return read;
      });
    } else if (key == "recovered_slaves") {
      list.recovered.clear();
      status = ForEachElement(
          f.value(), "recovered_slaves", [&](od::value v, size_t i) {
            return ReadRecovered(v, i, list.recovered.emplace_back());
          });
    }
    if (!status.ok()) return status;
  }
  if (!seen_slaves) return json::Invalid(kEndpoint, "slaves", "is missing");
  if (absl::Status status = json::CheckEnd(kEndpoint, document); !status.ok()) {
    return status;
  }
  return list;
}

}  // namespace spotburst::mesos
