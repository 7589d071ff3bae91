// Tests of the workload trace reader.
#include "workload_trace.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace spotburst::sim::internal {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kHeader[] =
    "timestamp,cpus_used,mem_gib_used,cpus_provisioned,mem_gib_provisioned,"
    "cpu_used_mhz,vms_reporting,vms_forward_filled\n";

TEST(WorkloadTrace, ParsesRowsAndIgnoresExtraColumns) {
  const std::string text = std::string(kHeader) +
                           "2013-06-30T22:00:00Z,47.311,129.476,1170,1,2,3,0\n"
                           "2013-06-30T22:05:00Z,46.335,141.287,1170,1,2,3,0\n";
  auto samples = ParseWorkloadCsv(text, "w.csv");
  ASSERT_THAT(samples, IsOk());
  ASSERT_THAT(*samples, SizeIs(2));
  EXPECT_EQ((*samples)[1].time, absl::FromUnixSeconds(1372629900));
  EXPECT_DOUBLE_EQ((*samples)[1].cpus_used, 46.335);
  EXPECT_DOUBLE_EQ((*samples)[1].mem_gib_used, 141.287);
}

TEST(WorkloadTrace, AcceptsTheThreeColumnsAloneAndCrlf) {
  auto samples = ParseWorkloadCsv(
      "timestamp,cpus_used,mem_gib_used\r\n2013-07-01T00:00:00Z,1,2\r\n",
      "w.csv");
  ASSERT_THAT(samples, IsOk());
  EXPECT_THAT(*samples, SizeIs(1));
}

TEST(WorkloadTrace, BadHeaderNamesFileAndLine) {
  EXPECT_THAT(ParseWorkloadCsv("time,cpus\n", "w.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("w.csv:1: bad header")));
  // A prefix that only looks right.
  EXPECT_THAT(
      ParseWorkloadCsv("timestamp,cpus_used,mem_gib_used_x\n", "w.csv"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("w.csv:1:")));
}

TEST(WorkloadTrace, BadRowsNameTheLine) {
  const std::string h = "timestamp,cpus_used,mem_gib_used\n";
  EXPECT_THAT(ParseWorkloadCsv(h + "2013-07-01T00:00:00Z,1,2\nyesterday,1,2\n",
                               "w.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("w.csv:3: bad timestamp \"yesterday\"")));
  EXPECT_THAT(ParseWorkloadCsv(h + "2013-07-01T00:00:00Z,-1,2\n", "w.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("w.csv:2: cpus_used -1 must be >= 0")));
  EXPECT_THAT(ParseWorkloadCsv(h + "2013-07-01T00:00:00Z,1,lots\n", "w.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("w.csv:2: bad mem_gib_used \"lots\"")));
  EXPECT_THAT(ParseWorkloadCsv(h + "2013-07-01T00:00:00Z,1\n", "w.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("w.csv:2: want at least 3 columns")));
  EXPECT_THAT(ParseWorkloadCsv(h + "2013-02-30T00:00:00Z,1,2\n", "w.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("w.csv:2: bad timestamp")));
}

TEST(WorkloadTrace, TimestampsMustIncrease) {
  EXPECT_THAT(
      ParseWorkloadCsv("timestamp,cpus_used,mem_gib_used\n"
                       "2013-07-01T00:05:00Z,1,2\n2013-07-01T00:05:00Z,1,2\n",
                       "w.csv"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("w.csv:3: timestamp 2013-07-01T00:05:00Z is not "
                         "after the previous row's")));
}

TEST(WorkloadTrace, EmptyFilesAreErrors) {
  EXPECT_THAT(ParseWorkloadCsv("", "w.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("w.csv:1: empty file")));
  EXPECT_THAT(
      ParseWorkloadCsv("timestamp,cpus_used,mem_gib_used\n", "w.csv"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no samples")));
}

TEST(WorkloadTrace, ReadsTheShippedTrace) {
  auto samples = ReadWorkloadCsv(std::string(SPOTBURST_SOURCE_DIR) +
                                 "/data/workload_bitbrains-rnd_2013-07.csv");
  ASSERT_THAT(samples, IsOk());
  EXPECT_THAT(*samples, SizeIs(8640));
}

TEST(WorkloadTrace, MissingFileIsNotFound) {
  EXPECT_THAT(ReadWorkloadCsv("/nonexistent/w.csv"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("w.csv")));
}

}  // namespace
}  // namespace spotburst::sim::internal
