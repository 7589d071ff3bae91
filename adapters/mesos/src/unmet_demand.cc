// Splits Marathon's queue into queued and held-back demand (see the header
// for the rules).
#include "unmet_demand.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_format.h"
#include "spotburst/internal/strict_json.h"

namespace spotburst::mesos {
namespace {

// Pieces of Marathon's payload quoted in a detail are cut to this.
constexpr size_t kQuoteBytes = 40;
// Longer patterns are refused rather than compiled: std::regex is
// recursive, and constraints never need long ones.
constexpr size_t kMaxPatternBytes = 256;
// Patterns come from whoever deploys an app, so matching must not take
// exponential time: libstdc++'s polynomial mode matches with a Thompson
// NFA (time linear in the text, back-references refused), and caps the
// NFA's size itself (error_space).
#ifdef __GLIBCXX__
constexpr std::regex::flag_type kRegexFlags =
    std::regex::ECMAScript | std::regex_constants::__polynomial;
#else
constexpr std::regex::flag_type kRegexFlags = std::regex::ECMAScript;
#endif
// Roles listed in a detail.
constexpr size_t kMaxRolesShown = 3;

std::string Cut(std::string_view text) {
  return internal::Excerpt(text, kQuoteBytes);
}

// "cloud_type:CLUSTER:private", the form people write constraints in.
std::string ConstraintText(const MarathonConstraint& constraint) {
  std::string text = Cut(constraint.field) + ":" + Cut(constraint.op);
  if (constraint.value) text += ":" + Cut(*constraint.value);
  return text;
}

// What a constraint's field is on a new burst agent.
struct FieldOnAgent {
  enum Kind { kUnique, kKnown, kMissing } kind;
  std::string value;  // for kKnown
};

FieldOnAgent Resolve(const std::string& field, const BurstAgentProfile& agent) {
  if (field == "hostname" || field == "@hostname") {
    return {FieldOnAgent::kUnique, ""};
  }
  if (field == "@region" || field == "@zone") {
    const std::optional<std::string>& value =
        field == "@region" ? agent.region : agent.zone;
    if (value) return {FieldOnAgent::kKnown, *value};
    return {FieldOnAgent::kMissing, ""};
  }
  if (agent.unique_attributes.contains(field)) {
    return {FieldOnAgent::kUnique, ""};
  }
  if (auto it = agent.attributes.find(field); it != agent.attributes.end()) {
    return {FieldOnAgent::kKnown, it->second};
  }
  return {FieldOnAgent::kMissing, ""};
}

// A scalar attribute value (Mesos' are non-negative numbers), or nullopt.
// Bounded so that thousandths fit in a long long.
std::optional<double> Scalar(const std::string& text) {
  if (text.empty() || text.size() > 32 ||
      std::isspace(static_cast<unsigned char>(text[0]))) {
    return std::nullopt;
  }
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !(value >= 0 && value <= 1e15)) {
    return std::nullopt;
  }
  return value;
}

// IS: text equal, or both numbers equal to 3 decimals (Mesos keeps three).
bool IsEqual(const std::string& agent_value, const std::string& wanted) {
  if (agent_value == wanted) return true;
  const std::optional<double> a = Scalar(agent_value);
  const std::optional<double> b = Scalar(wanted);
  return a && b && std::llround(*a * 1000) == std::llround(*b * 1000);
}

// Whether `pattern` matches all of `text`; an error message instead when
// the pattern cannot be used.
struct RegexResult {
  bool matches = false;
  std::optional<std::string> error;
};

// Whether a count ("{m,n}") or back-reference (\N) in `pattern` has more
// than 9 digits: libstdc++ reads them into a long without a check, so a
// longer one overflows (undefined behaviour) before any error is raised.
bool HasHugeNumber(const std::string& pattern) {
  size_t digits = 0;
  bool counting = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (counting && std::isdigit(static_cast<unsigned char>(c))) {
      if (++digits > 9) return true;
      continue;
    }
    counting = c == '{' || c == ',' || c == '\\';
    digits = 0;
  }
  return false;
}

RegexResult FullMatch(const std::string& pattern, const std::string& text) {
  if (pattern.size() > kMaxPatternBytes) {
    return {.error = absl::StrFormat("the regex is longer than %d bytes",
                                     kMaxPatternBytes)};
  }
  if (HasHugeNumber(pattern)) {
    return {.error =
                "the regex " + Cut(pattern) + " has a number over 9 digits"};
  }
  try {
    const std::regex regex(pattern, kRegexFlags);
    return {.matches = std::regex_match(text, regex)};
  } catch (const std::regex_error& e) {
    if (e.code() == std::regex_constants::error_space) {
      return {.error = "the regex " + Cut(pattern) + " is too large"};
    }
    return {.error = "invalid regex " + Cut(pattern)};
  }
}

bool IsWholeNumber(const std::string& text) {
  if (text.empty() || text.size() > 9) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Why a new burst agent cannot satisfy `constraint`; nullopt if it can.
std::optional<std::string> Unsatisfied(const MarathonConstraint& constraint,
                                       const BurstAgentProfile& agent) {
  const std::string& op = constraint.op;
  const FieldOnAgent field = Resolve(constraint.field, agent);
  const std::string name = Cut(constraint.field);
  const std::string missing = "burst agents have no " + name;
  const std::string not_known =
      "a new agent's " + name + " is not known in advance";
  const std::string has = "burst agents have " + name + "=" + Cut(field.value);

  const bool needs_value =
      op == "LIKE" || op == "UNLIKE" || op == "IS" || op == "MAX_PER";
  if (needs_value && !constraint.value) return op + " needs a value";

  if (op == "UNIQUE") {
    if (field.kind == FieldOnAgent::kUnique) return std::nullopt;
    if (field.kind == FieldOnAgent::kMissing) return missing;
    return "every burst agent has " + name + "=" + Cut(field.value);
  }
  if (op == "CLUSTER") {
    if (!constraint.value) {
      return std::string(
          "CLUSTER without a value keeps instances where the "
          "first ones run");
    }
    if (field.kind == FieldOnAgent::kUnique) return not_known;
    if (field.kind == FieldOnAgent::kMissing) return missing;
    if (field.value == *constraint.value) return std::nullopt;
    return has;
  }
  if (op == "GROUP_BY" || op == "MAX_PER") {
    if (op == "MAX_PER" && !IsWholeNumber(*constraint.value)) {
      return "MAX_PER needs a whole number";
    }
    if (field.kind == FieldOnAgent::kMissing) return missing;
    return std::nullopt;
  }
  if (op == "LIKE" || op == "UNLIKE") {
    // The pattern is checked even where no match is needed: an invalid one
    // never matches anything in Marathon either.
    const RegexResult result = FullMatch(*constraint.value, field.value);
    if (result.error) return *result.error;
    const bool like = op == "LIKE";
    if (field.kind == FieldOnAgent::kMissing) {
      if (like) return missing;
      return std::nullopt;
    }
    if (field.kind == FieldOnAgent::kUnique) {
      if (like) return not_known;
      return std::nullopt;
    }
    if (result.matches == like) return std::nullopt;
    return has;
  }
  if (op == "IS") {
    if (field.kind == FieldOnAgent::kUnique) return not_known;
    if (field.kind == FieldOnAgent::kMissing) return missing;
    if (IsEqual(field.value, *constraint.value)) return std::nullopt;
    return has;
  }
  return "unknown operator " + Cut(op);
}

bool OffersUnreserved(const MarathonQueueItem& item) {
  if (!item.accepted_resource_roles || item.accepted_resource_roles->empty()) {
    return true;  // Marathon's default: any role, "*" included
  }
  for (const std::string& role : *item.accepted_resource_roles) {
    if (role == "*") return true;
  }
  return false;
}

std::string RolesDetail(const std::vector<std::string>& roles) {
  std::string detail = "accepts only role";
  if (roles.size() > 1) detail += "s";
  for (size_t i = 0; i < roles.size() && i < kMaxRolesShown; ++i) {
    detail += (i == 0 ? " " : ", ") + Cut(roles[i]);
  }
  if (roles.size() > kMaxRolesShown) {
    detail += absl::StrFormat(" and %d more", roles.size() - kMaxRolesShown);
  }
  return detail + "; burst agents offer unreserved (*) resources";
}

// The reason and detail that hold `item` back, or nullopt if it is queued.
std::optional<HeldBackDemand> HoldBack(const MarathonQueueItem& item,
                                       const BurstAgentProfile& agent) {
  HeldBackDemand held{.workload = item.id,
                      .instances = item.count,
                      .resources = item.per_instance * item.count};
  if (!item.delay_overdue && item.delay_time_left_s > 0) {
    held.reason = HoldReason::kLaunchDelay;
    held.detail = absl::StrFormat("backed off %.0f s after failed launches",
                                  item.delay_time_left_s);
    return held;
  }
  if (!OffersUnreserved(item)) {
    held.reason = HoldReason::kRole;
    held.detail = RolesDetail(*item.accepted_resource_roles);
    return held;
  }
  for (const MarathonConstraint& constraint : item.constraints) {
    if (std::optional<std::string> why = Unsatisfied(constraint, agent)) {
      held.reason = HoldReason::kPlacementConstraint;
      held.detail = "constraint " + ConstraintText(constraint) + ": " + *why;
      return held;
    }
  }
  // Queued. The offers summary is not consulted: when it shows only
  // constraint or role declines (no Insufficient*), the existing agents
  // lack the attribute or role, but a burst agent that satisfies every
  // constraint (just checked) would match, so bursting does help.
  return std::nullopt;
}

}  // namespace

UnmetDemand SplitUnmetDemand(const std::vector<MarathonQueueItem>& queue,
                             const BurstAgentProfile& burst_agent) {
  UnmetDemand demand;
  for (const MarathonQueueItem& item : queue) {
    if (item.count <= 0) continue;  // nothing waits
    if (std::optional<HeldBackDemand> held = HoldBack(item, burst_agent)) {
      demand.held_back.push_back(*std::move(held));
    } else {
      demand.queued += item.per_instance * item.count;
    }
  }
  return demand;
}

}  // namespace spotburst::mesos
