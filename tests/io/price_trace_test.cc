// Tests of the spot price trace and instance catalogue CSV readers, on small
// inline files and on the slices in data/.
#include "spotburst/price_trace.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "testing/utc_time.h"

namespace spotburst {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::spotburst::testing::Utc;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kHeader[] =
    "timestamp,region,availability_zone,instance_type,product,"
    "price_usd_per_hour\n";
constexpr char kCatalogHeader[] =
    "region,instance_type,vcpus,memory_gib,on_demand_usd_per_hour,source,"
    "valid_from,valid_to\n";

std::string DataPath(const std::string& name) {
  return std::string(SPOTBURST_SOURCE_DIR) + "/data/" + name;
}

TEST(ParsePriceTraceCsv, GroupsRowsByMarketSortedByName) {
  const std::string text =
      std::string(kHeader) +
      "2015-03-11T10:34:42Z,us-east-1,us-east-1b,m3.medium,"
      "Linux/UNIX,0.1131\n"
      "2015-03-11T11:00:00Z,us-east-1,us-east-1a,m3.medium,"
      "Linux/UNIX,0.0081\n"
      "2015-03-11T12:00:00Z,us-east-1,us-east-1b,m3.medium,"
      "Linux/UNIX,0.02\n"
      "2015-03-11T12:00:00Z,us-east-1,us-east-1a,c4.large,"
      "Linux/UNIX,0.3\n";
  absl::StatusOr<std::vector<PriceHistory>> trace =
      ParsePriceTraceCsv(text, "x.csv");
  ASSERT_THAT(trace, IsOk());
  ASSERT_EQ(trace->size(), 3u);
  EXPECT_EQ((*trace)[0].market.Name(), "c4.large/us-east-1a/Linux/UNIX");
  EXPECT_EQ((*trace)[1].market.Name(), "m3.medium/us-east-1a/Linux/UNIX");
  EXPECT_EQ((*trace)[2].market.Name(), "m3.medium/us-east-1b/Linux/UNIX");
  const PriceHistory& b = (*trace)[2];
  ASSERT_EQ(b.points.size(), 2u);
  EXPECT_EQ(b.points[0].time, Utc(2015, 3, 11, 10, 34, 42));
  EXPECT_DOUBLE_EQ(b.points[0].usd_per_hour, 0.1131);
  EXPECT_EQ(b.points[1].time, Utc(2015, 3, 11, 12));
  EXPECT_DOUBLE_EQ(b.points[1].usd_per_hour, 0.02);
}

TEST(ParsePriceTraceCsv, SortsEachMarketByTimeAndDropsRepeatedRows) {
  const std::string text =
      std::string(kHeader) +
      "2015-03-11T12:00:00Z,us-east-1,us-east-1a,m3.medium,"
      "Linux/UNIX,0.3\n"
      "2015-03-11T10:00:00Z,us-east-1,us-east-1a,m3.medium,"
      "Linux/UNIX,0.1\n"
      "2015-03-11T12:00:00Z,us-east-1,us-east-1a,m3.medium,"
      "Linux/UNIX,0.3\n"
      "2015-03-11T11:00:00Z,us-east-1,us-east-1a,m3.medium,"
      "Linux/UNIX,0.2\n";
  absl::StatusOr<std::vector<PriceHistory>> trace =
      ParsePriceTraceCsv(text, "x.csv");
  ASSERT_THAT(trace, IsOk());
  ASSERT_EQ(trace->size(), 1u);
  const std::vector<PricePoint>& p = (*trace)[0].points;
  ASSERT_EQ(p.size(), 3u);  // the repeated 12:00 row counts once
  EXPECT_DOUBLE_EQ(p[0].usd_per_hour, 0.1);
  EXPECT_DOUBLE_EQ(p[1].usd_per_hour, 0.2);
  EXPECT_DOUBLE_EQ(p[2].usd_per_hour, 0.3);
}

TEST(ParsePriceTraceCsv, RefusesTwoPricesAtOneTimeNamingBothLines) {
  const std::string text =
      std::string(kHeader) +
      "2015-03-11T12:00:00Z,us-east-1,us-east-1a,m3.medium,"
      "Linux/UNIX,0.3\n"
      "2015-03-11T12:00:00Z,us-east-1,us-east-1b,m3.medium,"
      "Linux/UNIX,0.5\n"
      "2015-03-11T10:00:00Z,us-east-1,us-east-1a,m3.medium,"
      "Linux/UNIX,0.1\n"
      "2015-03-11T12:00:00Z,us-east-1,us-east-1a,m3.medium,"
      "Linux/UNIX,0.4\n";
  EXPECT_THAT(
      ParsePriceTraceCsv(text, "x.csv"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "x.csv:5: m3.medium/us-east-1a/Linux/UNIX at "
               "2015-03-11T12:00:00Z costs 0.4 here but 0.3 on line 2"));
}

TEST(ParsePriceTraceCsv, AcceptsCrlfOtherTimeFormsAndNoFinalNewline) {
  const std::string text =
      "timestamp,region,availability_zone,instance_type,product,"
      "price_usd_per_hour\r\n"
      "2015-03-11T10:34:42.5+01:00,us-east-1,us-east-1a,m3.medium,"
      "Linux/UNIX,0.5\r\n"
      "2015-03-11T10:34:42Z,us-east-1,us-east-1a,m3.medium,Linux/UNIX,0";
  absl::StatusOr<std::vector<PriceHistory>> trace =
      ParsePriceTraceCsv(text, "x.csv");
  ASSERT_THAT(trace, IsOk());
  ASSERT_EQ((*trace)[0].points.size(), 2u);
  EXPECT_EQ((*trace)[0].points[0].time,
            Utc(2015, 3, 11, 9, 34, 42) + absl::Milliseconds(500));
  EXPECT_EQ((*trace)[0].points[1].usd_per_hour, 0);
}

TEST(ParsePriceTraceCsv, HeaderOnlyIsEmptyTrace) {
  absl::StatusOr<std::vector<PriceHistory>> trace =
      ParsePriceTraceCsv(kHeader, "x.csv");
  ASSERT_THAT(trace, IsOk());
  EXPECT_TRUE(trace->empty());
}

TEST(ParsePriceTraceCsv, RejectsBadHeader) {
  EXPECT_THAT(ParsePriceTraceCsv("time,zone,price\n", "x.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("x.csv:1: bad header \"time,zone,price\"")));
  EXPECT_THAT(ParsePriceTraceCsv("", "x.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("x.csv:1: empty file")));
}

// Each bad row sits on line 3, after one good row.
TEST(ParsePriceTraceCsv, NamesFileLineAndProblem) {
  struct Case {
    const char* row;
    const char* error;
  };
  const Case cases[] = {
      {"2015-03-11T11:00:00Z,us-east-1,us-east-1a,m3.medium,Linux/UNIX",
       "x.csv:3: want 6 columns, got 5"},
      {"2015-03-11T11:00:00Z,us-east-1,us-east-1a,m3.medium,Linux/UNIX,0.1,x",
       "x.csv:3: want 6 columns, got 7"},
      {"2015-03-11 11:00,us-east-1,us-east-1a,m3.medium,Linux/UNIX,0.1",
       "x.csv:3: bad timestamp \"2015-03-11 11:00\""},
      {"2015-02-30T11:00:00Z,us-east-1,us-east-1a,m3.medium,Linux/UNIX,0.1",
       "x.csv:3: bad timestamp \"2015-02-30T11:00:00Z\""},
      {"2015-03-11T11:00:00Z,us-east-1,us-east-1a,m3.medium,Linux/UNIX,NaN",
       "x.csv:3: bad price \"NaN\""},
      {"2015-03-11T11:00:00Z,us-east-1,us-east-1a,m3.medium,Linux/UNIX,inf",
       "x.csv:3: bad price \"inf\""},
      {"2015-03-11T11:00:00Z,us-east-1,us-east-1a,m3.medium,Linux/UNIX,",
       "x.csv:3: bad price \"\""},
      {"2015-03-11T11:00:00Z,us-east-1,us-east-1a,m3.medium,Linux/UNIX,0.1$",
       "x.csv:3: bad price \"0.1$\""},
      {"2015-03-11T11:00:00Z,us-east-1,us-east-1a,m3.medium,Linux/UNIX,-0.1",
       "x.csv:3: price -0.1 must be >= 0"},
      {"2015-03-11T11:00:00Z,us-east-1,us-east-1a,m3.medium,Linux/UNIX,1e20",
       "x.csv:3: price 1e20 is above 1000 USD/h, more than any market "
       "charges"},
      {"2015-03-11T11:00:00Z,us-east-1,us-east-1a,m3.medium,Linux/UNIX,"
       "1000.01",
       "x.csv:3: price 1000.01 is above 1000 USD/h, more than any market "
       "charges"},
      {"0000-12-31T11:00:00Z,us-east-1,us-east-1a,m3.medium,Linux/UNIX,0.1",
       "x.csv:3: bad timestamp \"0000-12-31T11:00:00Z\""},
      {"10000-01-01T00:00:00Z,us-east-1,us-east-1a,m3.medium,Linux/UNIX,0.1",
       "x.csv:3: bad timestamp \"10000-01-01T00:00:00Z\""},
      {"-0001-01-01T00:00:00+00:00,us-east-1,us-east-1a,m3.medium,Linux/UNIX,"
       "0.1",
       "x.csv:3: bad timestamp \"-0001-01-01T00:00:00+00:00\""},
      {"2015-03-11T11:00:00Z,us-east-1,,m3.medium,Linux/UNIX,0.1",
       "x.csv:3: empty availability_zone"},
      {"2015-03-11T11:00:00Z,us-east-1,sa-east-1a,m3.medium,Linux/UNIX,0.1",
       "x.csv:3: availability zone sa-east-1a is not in us-east-1"},
  };
  for (const Case& c : cases) {
    const std::string text = std::string(kHeader) +
                             "2015-03-11T10:00:00Z,us-east-1,us-east-1a,"
                             "m3.medium,Linux/UNIX,0.1\n" +
                             c.row + "\n";
    EXPECT_THAT(ParsePriceTraceCsv(text, "x.csv"),
                StatusIs(absl::StatusCode::kInvalidArgument, c.error))
        << c.row;
  }
}

TEST(ReadPriceTraceCsv, MissingFileIsNotFound) {
  EXPECT_THAT(
      ReadPriceTraceCsv(DataPath("no-such-file.csv")),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("no-such-file.csv")));
}

void ExpectSortedByTime(const PriceHistory& h) {
  for (size_t i = 1; i < h.points.size(); ++i) {
    ASSERT_LE(h.points[i - 1].time, h.points[i].time) << h.market.Name();
  }
}

// Row counts as data/SOURCES.md states them.
TEST(ReadPriceTraceCsv, ReadsTheM3MediumSlice) {
  absl::StatusOr<std::vector<PriceHistory>> trace = ReadPriceTraceCsv(
      DataPath("spot_us-east-1_2015-03_2015-07_m3.medium.csv"));
  ASSERT_THAT(trace, IsOk());
  ASSERT_EQ(trace->size(), 3u);
  EXPECT_EQ((*trace)[0].market.availability_zone, "us-east-1a");
  EXPECT_EQ((*trace)[0].points.size(), 3224u);
  EXPECT_EQ((*trace)[1].points.size(), 2767u);
  EXPECT_EQ((*trace)[2].points.size(), 675u);
  for (const PriceHistory& h : *trace) {
    EXPECT_EQ(h.market.instance_type, "m3.medium");
    EXPECT_EQ(h.market.product, "Linux/UNIX");
    ExpectSortedByTime(h);
  }
  EXPECT_EQ((*trace)[0].points.front().time, Utc(2015, 3, 11, 10, 34, 42));
  EXPECT_DOUBLE_EQ((*trace)[0].points.front().usd_per_hour, 0.1131);
}

TEST(ReadPriceTraceCsv, ReadsThe2021Slices) {
  struct Slice {
    const char* file;
    size_t markets;
    size_t rows;
  };
  for (const Slice& s :
       {Slice{"spot_us-east-1_2021-03_2021-05_c4.large.csv", 6, 1410},
        Slice{"spot_us-east-1_2021-03_2021-05_m5.large.csv", 5, 774}}) {
    absl::StatusOr<std::vector<PriceHistory>> trace =
        ReadPriceTraceCsv(DataPath(s.file));
    ASSERT_THAT(trace, IsOk()) << s.file;
    EXPECT_EQ(trace->size(), s.markets) << s.file;
    size_t rows = 0;
    for (const PriceHistory& h : *trace) {
      rows += h.points.size();
      ExpectSortedByTime(h);
    }
    EXPECT_EQ(rows, s.rows) << s.file;
  }
}

TEST(ReadPriceTraceCsv, ReadsTheMay2015ZoneSlices) {
  struct Slice {
    const char* file;
    const char* type;
    std::vector<size_t> rows;  // us-east-1a, b, e
  };
  for (const Slice& s : {Slice{"spot_us-east-1_2015-05_c3.xlarge.csv",
                               "c3.xlarge",
                               {6295, 4847, 4948}},
                         Slice{"spot_us-east-1_2015-05_r3.large.csv",
                               "r3.large",
                               {2886, 2826, 2591}}}) {
    absl::StatusOr<std::vector<PriceHistory>> trace =
        ReadPriceTraceCsv(DataPath(s.file));
    ASSERT_THAT(trace, IsOk()) << s.file;
    ASSERT_EQ(trace->size(), 3u) << s.file;
    const char* zones[] = {"us-east-1a", "us-east-1b", "us-east-1e"};
    for (size_t i = 0; i < 3; ++i) {
      const PriceHistory& h = (*trace)[i];
      EXPECT_EQ(h.market.instance_type, s.type);
      EXPECT_EQ(h.market.availability_zone, zones[i]);
      EXPECT_EQ(h.points.size(), s.rows[i]) << s.file << " " << zones[i];
      ExpectSortedByTime(h);
      // The month of May 2015 only.
      EXPECT_GE(h.points.front().time, Utc(2015, 5, 1, 0, 0, 0));
      EXPECT_LT(h.points.back().time, Utc(2015, 6, 1, 0, 0, 0));
    }
  }
}

TEST(ParseInstanceCatalogCsv, ParsesDatesAndEmptyPrices) {
  const std::string text =
      std::string(kCatalogHeader) +
      "us-east-1,c4.large,2,3.75,0.1,somewhere,2021-03-01,2021-06-01\n"
      "sa-east-1,m5.large,2,8,,not found,2019-12-01,\n";
  absl::StatusOr<std::vector<CatalogEntry>> catalog =
      ParseInstanceCatalogCsv(text, "types.csv");
  ASSERT_THAT(catalog, IsOk());
  ASSERT_EQ(catalog->size(), 2u);
  const CatalogEntry& c4 = (*catalog)[0];
  EXPECT_EQ(c4.region, "us-east-1");
  EXPECT_EQ(c4.instance_type, "c4.large");
  EXPECT_EQ(c4.vcpus, 2);
  EXPECT_EQ(c4.memory_gib, 3.75);
  EXPECT_EQ(c4.on_demand_usd_per_hour, 0.1);
  EXPECT_EQ(c4.valid_from, Utc(2021, 3, 1));
  EXPECT_EQ(c4.valid_to, Utc(2021, 6, 1));
  EXPECT_EQ((*catalog)[1].on_demand_usd_per_hour, 0);
  EXPECT_EQ((*catalog)[1].valid_to, absl::InfiniteFuture());
}

TEST(ParseInstanceCatalogCsv, NamesFileLineAndProblem) {
  struct Case {
    const char* row;
    const char* error;
  };
  const Case cases[] = {
      {"us-east-1,c4.large,2,3.75,0.1,src,2021-03-01",
       "t.csv:2: want 8 columns, got 7"},
      {"us-east-1,c4.large,two,3.75,0.1,src,2021-03-01,2021-06-01",
       "t.csv:2: bad vcpus \"two\""},
      {"us-east-1,c4.large,2,3.75,-1,src,2021-03-01,2021-06-01",
       "t.csv:2: on_demand_usd_per_hour -1 must be >= 0"},
      {"us-east-1,c4.large,2,3.75,0.1,src,2021-13-01,2021-06-01",
       "t.csv:2: bad valid_from \"2021-13-01\""},
      {"us-east-1,c4.large,2,3.75,0.1,src,2021-06-01,2021-03-01",
       "t.csv:2: valid_from 2021-06-01 is not before valid_to 2021-03-01"},
      {",c4.large,2,3.75,0.1,src,2021-03-01,2021-06-01",
       "t.csv:2: empty region"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(
        ParseInstanceCatalogCsv(std::string(kCatalogHeader) + c.row, "t.csv"),
        StatusIs(absl::StatusCode::kInvalidArgument, c.error))
        << c.row;
  }
  EXPECT_THAT(ParseInstanceCatalogCsv("region,type\n", "t.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("t.csv:1: bad header")));
}

TEST(ReadInstanceCatalogCsv, FindsEntriesOfEachEra) {
  absl::StatusOr<std::vector<CatalogEntry>> catalog =
      ReadInstanceCatalogCsv(DataPath("instance_types.csv"));
  ASSERT_THAT(catalog, IsOk());
  EXPECT_EQ(catalog->size(), 48u);

  absl::StatusOr<CatalogEntry> m3 =
      FindCatalogEntry(*catalog, "us-east-1", "m3.medium", Utc(2015, 5, 1));
  ASSERT_THAT(m3, IsOk());
  EXPECT_EQ(m3->on_demand_usd_per_hour, 0.067);
  EXPECT_EQ(m3->valid_from, Utc(2015, 3, 1));

  absl::StatusOr<CatalogEntry> c4 =
      FindCatalogEntry(*catalog, "us-east-1", "c4.large", Utc(2021, 4, 1));
  ASSERT_THAT(c4, IsOk());
  EXPECT_EQ(c4->on_demand_usd_per_hour, 0.1);
  EXPECT_EQ(c4->vcpus, 2);
  EXPECT_EQ(c4->memory_gib, 3.75);

  // valid_to is exclusive.
  EXPECT_THAT(
      FindCatalogEntry(*catalog, "us-east-1", "c4.large", Utc(2021, 6, 1)),
      StatusIs(absl::StatusCode::kNotFound,
               HasSubstr("c4.large in us-east-1 at 2021-06-01T00:00:00")));
  EXPECT_THAT(
      FindCatalogEntry(*catalog, "us-east-1", "c4.large", Utc(2015, 5, 1)),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("c4.large")));
}

}  // namespace
}  // namespace spotburst
