// Sweep grids: the YAML file -> the base policy as its schema's proto, each
// setting's field path resolved on the schema's descriptor, each value set
// on the proto by the policy loader's walker (which checks its type and
// range) -> every combination made a Policy and validated like any policy,
// all before anything runs.
#include <algorithm>
#include <cstddef>
#include <exception>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "spotburst/engine.h"
#include "spotburst/internal/file_util.h"
#include "spotburst/internal/policy_proto.h"
#include "spotburst/internal/yaml_proto.h"
#include "spotburst/sim/sweep.h"
#include "spotburst/status_macros.h"
#include "spotburst/v1/policy.pb.h"
#include "yaml-cpp/yaml.h"

namespace spotburst::sim {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;

// Grids and policies are small; a big file is a mistake.
constexpr size_t kMaxGridFileBytes = 1 << 20;
constexpr size_t kMaxPolicyFileBytes = 1 << 20;
// Longer is no value worth sweeping (names and numbers).
constexpr size_t kMaxValueChars = 256;
// Longer is no path a file system takes (PATH_MAX).
constexpr size_t kMaxPathChars = 4096;
// Longest value or key shown in an error or a run's name.
constexpr size_t kShownChars = 40;

absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

std::string Shown(absl::string_view text) {
  if (text.size() <= kShownChars) return std::string(text);
  return absl::StrCat(text.substr(0, kShownChars - 3), "...");
}

// "<source>:<line>: <key>: <what>", leaving out what is unknown.
absl::Status Error(std::string_view source, const YAML::Mark& mark,
                   std::string_view key, std::string_view what) {
  std::string where(source);
  if (!mark.is_null()) absl::StrAppend(&where, ":", mark.line + 1);
  if (key.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", Sv(what)));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(where, ": ", Sv(key), ": ", Sv(what)));
}

// A status of the walker or the policy's checks, which start with the
// source already, or a bare one given `prefix`.
absl::Status Prefixed(const absl::Status& status, std::string_view prefix) {
  if (status.ok()) return status;
  return absl::Status(status.code(),
                      absl::StrCat(Sv(prefix), status.message()));
}

std::string FieldNames(const Descriptor& descriptor) {
  std::vector<std::string> names;
  for (int i = 0; i < descriptor.field_count(); ++i) {
    names.push_back(descriptor.field(i)->name());
  }
  return absl::StrJoin(names, ", ");
}

const FieldDescriptor* FindField(const Descriptor& descriptor,
                                 absl::string_view name) {
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const FieldDescriptor* field = descriptor.field(i);
    if (field->name() == name || field->json_name() == name) return field;
  }
  return nullptr;
}

bool IsStruct(const FieldDescriptor& field) {
  return field.message_type() != nullptr &&
         field.message_type()->full_name() == "google.protobuf.Struct";
}

// The canonical path (snake_case names) of a field path of the policy
// schema that holds one value: a scalar field, or a strategy parameter
// (scaling.params.NAME). What is wrong otherwise, in words.
absl::StatusOr<std::string> ResolveFieldPath(std::string_view path) {
  const Descriptor* message = v1::Policy::descriptor();
  std::vector<std::string> canonical;
  const std::vector<absl::string_view> parts = absl::StrSplit(Sv(path), '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const bool last = i + 1 == parts.size();
    const std::string where =
        canonical.empty() ? "the policy" : absl::StrJoin(canonical, ".");
    if (message == nullptr) {  // inside a Struct: a parameter's name
      if (!last || parts[i].empty()) {
        return absl::InvalidArgumentError(
            absl::StrFormat("%s takes numbers by name: %s.NAME", where, where));
      }
      canonical.emplace_back(parts[i]);
      break;
    }
    const FieldDescriptor* field = FindField(*message, parts[i]);
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrFormat("unknown field \"%s\" in %s (known: %s)",
                          Shown(parts[i]), where, FieldNames(*message)));
    }
    canonical.push_back(field->name());
    const std::string here = absl::StrJoin(canonical, ".");
    if (field->is_repeated()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s is a list or a map; a sweep sets single values", here));
    }
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      if (!last) {
        return absl::InvalidArgumentError(
            absl::StrFormat("%s is a value, it has no fields", here));
      }
      break;
    }
    if (last) {
      return absl::InvalidArgumentError(
          IsStruct(*field)
              ? absl::StrFormat("%s holds named numbers; name one: %s.NAME",
                                here, here)
              : absl::StrFormat("%s is a section; name one of its fields "
                                "(%s)",
                                here, FieldNames(*field->message_type())));
    }
    message = IsStruct(*field) ? nullptr : field->message_type();
  }
  return absl::StrJoin(canonical, ".");
}

// {a: {b: value}} for the path "a.b": what the walker merges into a policy
// proto to set that one field. `value` is shared, not copied, so that the
// walker's errors give its line. (Assigning to a yaml-cpp handle changes
// the node it refers to; reset() only moves the handle.)
YAML::Node Patch(const std::string& path, const YAML::Node& value) {
  const std::vector<std::string> parts = absl::StrSplit(path, '.');
  YAML::Node root(YAML::NodeType::Map);
  YAML::Node at = root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node child(YAML::NodeType::Map);
    at[parts[i]] = child;
    at.reset(child);
  }
  at[parts.back()] = value;
  return root;
}

// "scaling.burst_point=0.6, bidding.strategy=mean"
std::string Label(const std::vector<SweepSetting>& settings,
                  const std::vector<std::string>& values,
                  std::string_view separator) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < settings.size(); ++i) {
    parts.push_back(absl::StrCat(settings[i].field, "=", Shown(values[i])));
  }
  return absl::StrJoin(parts, Sv(separator));
}

// One setting as parsed: its values, and the patch that sets each.
struct ParsedSetting {
  SweepSetting setting;
  std::vector<YAML::Node> patches;
};

class GridParser {
 public:
  GridParser(std::string_view source, std::string base_dir)
      : source_(source), base_dir_(std::move(base_dir)) {}

  absl::StatusOr<SweepGrid> Parse(const YAML::Node& root) {
    if (!root.IsMap()) {
      return Error(source_, root.Mark(), "",
                   "expected a mapping with policy and settings");
    }
    SweepGrid grid;
    YAML::Node policy, settings;
    std::map<std::string, int> first_line;
    for (const auto& entry : root) {
      const std::string key =
          entry.first.IsScalar() ? entry.first.Scalar() : "";
      if (auto [it, added] = first_line.emplace(key, entry.first.Mark().line);
          !added) {
        return Error(
            source_, entry.first.Mark(), Shown(key),
            absl::StrCat("set twice (first on line ", it->second + 1, ")"));
      }
      // reset(), not =: assigning to a yaml-cpp handle that refers to a
      // node would change that node.
      if (key == "name") {
        if (!entry.second.IsScalar()) {
          return Error(source_, entry.second.Mark(), "name",
                       "expected a string");
        }
        grid.name = entry.second.Scalar();
      } else if (key == "policy") {
        policy.reset(entry.second);
      } else if (key == "settings") {
        settings.reset(entry.second);
      } else {
        return Error(source_, entry.first.Mark(), Shown(key),
                     "unknown key (known: name, policy, settings)");
      }
    }
    if (grid.name.empty()) {
      grid.name = std::filesystem::path(std::string(source_)).stem().string();
    }
    SPOTBURST_RETURN_IF_ERROR(Base(policy, root.Mark(), grid.base_policy));
    std::vector<ParsedSetting> parsed;
    SPOTBURST_RETURN_IF_ERROR(Settings(settings, root.Mark(), parsed));
    std::vector<size_t> sizes;
    for (ParsedSetting& p : parsed) {
      sizes.push_back(p.setting.values.size());
      grid.settings.push_back(p.setting);
    }
    SPOTBURST_RETURN_IF_ERROR(CheckCount(sizes, settings.Mark()));
    const std::vector<std::vector<size_t>> product = CartesianProduct(sizes);
    for (size_t n = 0; n < product.size(); ++n) {
      absl::StatusOr<SweepRun> run = Combination(parsed, product[n]);
      if (!run.ok()) {
        std::vector<std::string> values;
        for (size_t i = 0; i < parsed.size(); ++i) {
          values.push_back(parsed[i].setting.values[product[n][i]]);
        }
        // An unknown strategy is NotFound to the engine; here it is a
        // value of the grid.
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s: combination %d of %d (%s): %s", source_, n + 1, product.size(),
            Label(grid.settings, values, ", "), run.status().message()));
      }
      // Runs are named by their values, for the progress bar and errors.
      run->policy.name = Label(grid.settings, run->values, " ");
      grid.runs.push_back(*std::move(run));
    }
    return grid;
  }

 private:
  // The base policy: a file (relative to the grid's directory) or inline.
  // It must be a valid policy itself.
  absl::Status Base(const YAML::Node& node, const YAML::Mark& root_mark,
                    std::string& name) {
    if (!node.IsDefined() || node.IsNull()) {
      return Error(source_, root_mark, "policy",
                   "missing: name a policy file or give a policy inline");
    }
    if (node.IsMap()) {
      SPOTBURST_RETURN_IF_ERROR(
          internal::YamlToProto(node, source_, "policy", base_));
      absl::StatusOr<Policy> policy = internal::PolicyFromProto(base_);
      if (policy.ok()) {
        name = policy->name.empty() ? "the inline policy" : policy->name;
        return Prefixed(ValidatePolicy(*policy),
                        absl::StrCat(Sv(source_), ": inline "));
      }
      return Prefixed(policy.status(), absl::StrCat(Sv(source_), ": policy: "));
    }
    if (!node.IsScalar()) {
      return Error(source_, node.Mark(), "policy",
                   "expected a policy file's path or a mapping");
    }
    std::string path = node.Scalar();
    if (path.size() > kMaxPathChars) {
      return Error(source_, node.Mark(), "policy",
                   absl::StrFormat("a path of %d characters, more than the "
                                   "%d a file's path has",
                                   path.size(), kMaxPathChars));
    }
    if (std::filesystem::path(path).is_relative() && !base_dir_.empty()) {
      path = (std::filesystem::path(base_dir_) / path).lexically_normal();
    }
    SPOTBURST_ASSIGN_OR_RETURN(
        std::string text,
        internal::ReadFileToString(path, "policy", kMaxPolicyFileBytes));
    SPOTBURST_ASSIGN_OR_RETURN(Policy policy, ParsePolicy(text, path));
    name = policy.name.empty() ? std::filesystem::path(path).stem().string()
                               : policy.name;
    return internal::ParseYamlToProto(text, path, base_);
  }

  absl::Status Settings(const YAML::Node& node, const YAML::Mark& root_mark,
                        std::vector<ParsedSetting>& out) {
    if (!node.IsDefined() || node.IsNull()) {
      return Error(source_, root_mark, "settings",
                   "missing: give at least one policy field with the values "
                   "to try, e.g. scaling.burst_point: [0.6, 0.7]");
    }
    if (!node.IsMap() || node.size() == 0) {
      return Error(source_, node.Mark(), "settings",
                   "expected a mapping of policy field -> list of values, "
                   "e.g. scaling.burst_point: [0.6, 0.7]");
    }
    std::map<std::string, int> first_line;
    for (const auto& entry : node) {
      const YAML::Node& key = entry.first;
      const std::string field = key.IsScalar() ? key.Scalar() : "";
      const std::string shown = Shown(field);
      absl::StatusOr<std::string> canonical = ResolveFieldPath(field);
      if (!canonical.ok()) {
        return Error(source_, key.Mark(), shown,
                     std::string(canonical.status().message()));
      }
      if (auto [it, added] = first_line.emplace(*canonical, key.Mark().line);
          !added) {
        return Error(
            source_, key.Mark(), shown,
            absl::StrCat("set twice (first on line ", it->second + 1, ")"));
      }
      ParsedSetting parsed{{*canonical, {}}, {}};
      SPOTBURST_RETURN_IF_ERROR(Values(entry.second, key.Mark(), parsed));
      out.push_back(std::move(parsed));
    }
    return absl::OkStatus();
  }

  // Each value must be one the field takes: set on a scratch copy of the
  // base, so that the error names its line.
  absl::Status Values(const YAML::Node& list, const YAML::Mark& key_mark,
                      ParsedSetting& parsed) {
    const std::string& field = parsed.setting.field;
    if (!list.IsSequence()) {
      return Error(source_, list.IsDefined() ? list.Mark() : key_mark, field,
                   "expected a list of values, e.g. [0.6, 0.7]");
    }
    if (list.size() == 0) {
      return Error(source_, list.Mark(), field,
                   "empty list: give at least one value");
    }
    for (const YAML::Node& value : list) {
      if (!value.IsScalar()) {
        return Error(source_, value.Mark(), field,
                     "expected a single value, got a list or a mapping");
      }
      // Later checks (a strategy's name, say) quote the value whole.
      if (value.Scalar().size() > kMaxValueChars) {
        return Error(source_, value.Mark(), field,
                     absl::StrFormat("a value of %d characters, more than "
                                     "the %d a sweep takes",
                                     value.Scalar().size(), kMaxValueChars));
      }
      YAML::Node patch = Patch(field, value);
      v1::Policy scratch = base_;
      SPOTBURST_RETURN_IF_ERROR(
          internal::YamlToProto(patch, source_, "", scratch));
      parsed.setting.values.push_back(value.Scalar());
      parsed.patches.push_back(std::move(patch));
    }
    return absl::OkStatus();
  }

  absl::Status CheckCount(const std::vector<size_t>& sizes,
                          const YAML::Mark& mark) const {
    size_t count = 1;
    for (size_t size : sizes) {
      count *= size;
      if (count > kMaxSweepRuns) {
        std::vector<std::string> factors;
        for (size_t s : sizes) factors.push_back(absl::StrCat(s));
        return Error(
            source_, mark, "settings",
            absl::StrFormat("%s combinations and more, above the "
                            "%d a sweep runs; drop some values or "
                            "split the grid",
                            absl::StrJoin(factors, " x "), kMaxSweepRuns));
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<SweepRun> Combination(const std::vector<ParsedSetting>& parsed,
                                       const std::vector<size_t>& indices) {
    v1::Policy proto = base_;
    SweepRun run;
    for (size_t i = 0; i < parsed.size(); ++i) {
      SPOTBURST_RETURN_IF_ERROR(internal::YamlToProto(
          parsed[i].patches[indices[i]], source_, "", proto));
      run.values.push_back(parsed[i].setting.values[indices[i]]);
    }
    SPOTBURST_ASSIGN_OR_RETURN(run.policy, internal::PolicyFromProto(proto));
    SPOTBURST_RETURN_IF_ERROR(ValidatePolicy(run.policy));
    // Creating the engine also checks the strategy names.
    SPOTBURST_RETURN_IF_ERROR(Engine::Create(run.policy).status());
    return run;
  }

  std::string_view source_;
  std::string base_dir_;
  v1::Policy base_;
};

}  // namespace

std::vector<std::vector<size_t>> CartesianProduct(
    const std::vector<size_t>& sizes) {
  std::vector<std::vector<size_t>> out;
  if (std::find(sizes.begin(), sizes.end(), 0) != sizes.end()) return out;
  std::vector<size_t> indices(sizes.size(), 0);
  while (true) {
    out.push_back(indices);
    // An odometer: the last index turns fastest.
    size_t i = sizes.size();
    while (i > 0 && ++indices[i - 1] == sizes[i - 1]) indices[--i] = 0;
    if (i == 0) return out;
  }
}

absl::StatusOr<SweepGrid> ParseSweepGrid(std::string_view text,
                                         std::string_view source,
                                         const std::string& base_dir) {
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    return GridParser(source, base_dir).Parse(root);
  } catch (const YAML::Exception& e) {
    std::string where(source);
    if (!e.mark.is_null()) {
      absl::StrAppend(&where, ":", e.mark.line + 1, ":", e.mark.column + 1);
    }
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": YAML syntax error: ", Shown(e.msg)));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(source), ": cannot read YAML: ", Shown(e.what())));
  }
}

absl::StatusOr<SweepGrid> LoadSweepGridFile(const std::string& path) {
  SPOTBURST_ASSIGN_OR_RETURN(
      std::string text,
      internal::ReadFileToString(path, "sweep grid", kMaxGridFileBytes));
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return ParseSweepGrid(text, path, dir.empty() ? "." : dir);
}

}  // namespace spotburst::sim
