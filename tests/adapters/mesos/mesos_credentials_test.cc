// Basic-auth credentials for masters and Marathon: from a file or the
// environment, with errors that never show them.
#include "mesos_credentials.h"

#include <fstream>
#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace spotburst::mesos {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Write(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

auto Env(std::map<std::string, std::string> values) {
  return [values](const std::string& name) {
    auto it = values.find(name);
    return it == values.end() ? std::string() : it->second;
  };
}

absl::StatusOr<std::optional<BasicAuth>> Load(
    const std::string& file, std::map<std::string, std::string> env = {}) {
  return LoadBasicAuth(file, "SPOTBURST_MESOS_PRINCIPAL",
                       "SPOTBURST_MESOS_SECRET", "mesos", Env(env));
}

TEST(MesosCredentials, AFileGivesThePrincipalAndSecret) {
  auto auth = Load(Write("creds_ok", "\n  ops  s3cr3t\nother line\n"));
  ASSERT_THAT(auth, IsOk());
  ASSERT_TRUE(auth->has_value());
  EXPECT_EQ((*auth)->user, "ops");
  EXPECT_EQ((*auth)->password, "s3cr3t");
  // The file wins over the environment.
  auto both = Load(Write("creds_ok2", "ops s3cr3t\n"),
                   {{"SPOTBURST_MESOS_PRINCIPAL", "env"},
                    {"SPOTBURST_MESOS_SECRET", "env-secret"}});
  ASSERT_THAT(both, IsOk());
  EXPECT_EQ((*both)->user, "ops");
}

TEST(MesosCredentials, TheEnvironmentWhenNoFileIsGiven) {
  auto none = Load("");
  ASSERT_THAT(none, IsOk());
  EXPECT_FALSE(none->has_value());
  auto env = Load("", {{"SPOTBURST_MESOS_PRINCIPAL", "ops"},
                       {"SPOTBURST_MESOS_SECRET", "s3cr3t"}});
  ASSERT_THAT(env, IsOk());
  EXPECT_EQ((*env)->password, "s3cr3t");
}

TEST(MesosCredentials, ErrorsNameTheFileNeverItsContent) {
  const absl::Status three =
      Load(Write("creds_bad", "ops s3cr3t extra\n")).status();
  EXPECT_THAT(three, StatusIs(absl::StatusCode::kInvalidArgument,
                              HasSubstr("creds_bad:1: expected \"principal "
                                        "secret\"")));
  EXPECT_THAT(std::string(three.message()), Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(Load(Write("creds_empty", "\n\n")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no \"principal secret\" line")));
  EXPECT_THAT(Load(::testing::TempDir() + "no_such_file"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("mesos credentials file")));
}

}  // namespace
}  // namespace spotburst::mesos
