// docs/configuration.md against the configuration's protos: every key of
// SidecarConfig and of every section under it is documented, in its
// message's section, so the reference cannot fall behind the schema.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sidecar_testing.h"
#include "spotburst/v1/sidecar_config.pb.h"

namespace spotburst::testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// SidecarConfig and the messages of its sections, down to the leaves (the
// protos' own types, not map entries or google.protobuf's).
std::vector<const Descriptor*> ConfigMessages() {
  std::vector<const Descriptor*> out = {v1::SidecarConfig::descriptor()};
  std::set<const Descriptor*> seen(out.begin(), out.end());
  for (size_t i = 0; i < out.size(); ++i) {
    for (int f = 0; f < out[i]->field_count(); ++f) {
      const Descriptor* type = out[i]->field(f)->message_type();
      if (type == nullptr || type->options().map_entry() ||
          type->file()->package() != "spotburst.v1") {
        continue;
      }
      if (seen.insert(type).second) out.push_back(type);
    }
  }
  return out;
}

// The text of the "## " section whose heading names `message` as
// `Message`, up to the next "## " heading; empty when there is none.
std::string SectionOf(const std::string& doc, const std::string& message) {
  std::string section;
  bool in = false;
  for (absl::string_view line : absl::StrSplit(doc, '\n')) {
    if (absl::StartsWith(line, "## ")) {
      in = absl::StrContains(line, absl::StrCat("`", message, "`"));
    }
    if (in) absl::StrAppend(&section, line, "\n");
  }
  return section;
}

TEST(ConfigurationDoc, DocumentsEveryKeyInItsMessagesSection) {
  const std::string doc = ReadAll(Repo("docs/configuration.md"));
  ASSERT_FALSE(doc.empty());
  const std::vector<const Descriptor*> messages = ConfigMessages();
  // The sections this reference promises; more may come.
  std::set<std::string> names;
  for (const Descriptor* message : messages) names.insert(message->name());
  for (const char* expected :
       {"SidecarConfig", "TlsConfig", "DecisionLogConfig", "ManagedConfig",
        "SimulatedAdapters", "MesosConfig", "Ec2Config", "HaConfig"}) {
    EXPECT_TRUE(names.contains(expected)) << expected;
  }
  int keys = 0;
  for (const Descriptor* message : messages) {
    const std::string section = SectionOf(doc, message->name());
    ASSERT_FALSE(section.empty())
        << "docs/configuration.md has no \"## \" section naming `"
        << message->name() << "`";
    for (int f = 0; f < message->field_count(); ++f) {
      const FieldDescriptor* field = message->field(f);
      ++keys;
      EXPECT_TRUE(
          absl::StrContains(section, absl::StrCat("| `", field->name(), "` |")))
          << "docs/configuration.md, section `" << message->name()
          << "`: no table row for `" << field->name() << "` ("
          << field->full_name() << ")";
    }
  }
  EXPECT_GE(keys, 60);
}

}  // namespace
}  // namespace spotburst::testing
