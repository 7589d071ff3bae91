// ReasonText makes, when read, the text StrFormat would have made at once,
// whatever it quotes; and a reason owns everything it quotes.
#include "spotburst/reason.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"

namespace spotburst {
namespace {

TEST(ReasonText, MakesWhatStrFormatMakes) {
  const int64_t big = std::numeric_limits<int64_t>::max();
  const int64_t small = std::numeric_limits<int64_t>::min();
  ReasonText text;
  text.Add("%d %d %d %d %d|", 0, -1, int64_t{1} << 56, big, small)
      .Add("%.4f %g %+d|", 0.12345, 1e300, 7)
      .Add("%s %s|", std::string(40, 'x'), "short")
      .Add("%s %s %s|", absl::Minutes(90), absl::InfiniteDuration(),
           -absl::InfiniteDuration())
      .Add("%s %s %s", TimeOfDay{absl::FromUnixSeconds(1450000000)},
           TimeOfDay{absl::InfinitePast()}, TimeOfDay{absl::InfiniteFuture()});
  EXPECT_EQ(
      text.ToString(),
      absl::StrFormat("%d %d %d %d %d|", 0, -1, int64_t{1} << 56, big, small) +
          absl::StrFormat("%.4f %g %+d|", 0.12345, 1e300, 7) +
          std::string(40, 'x') + " short|" + "1h30m inf -inf|" +
          "2015-12-13 09:46:40 infinite-past infinite-future");
}

TEST(ReasonText, LiteralsAndCopiesAreTakenAsTheyAre) {
  EXPECT_EQ(ReasonText("100% literal").ToString(), "100% literal");
  EXPECT_EQ(ReasonText::Copy("50% copied %s").ToString(), "50% copied %s");
  EXPECT_TRUE(ReasonText().empty());
  EXPECT_EQ(ReasonText().ToString(), "");
}

TEST(ReasonText, OwnsWhatItQuotes) {
  ReasonText text;
  {
    std::string id = "i-0123456789abcdef0";
    text.Add("end %s", id);
    id.assign(id.size(), '?');
  }
  ReasonText copy = text;
  text = ReasonText("gone");
  EXPECT_EQ(copy.ToString(), "end i-0123456789abcdef0");
  EXPECT_EQ(ReasonText("a ").Add(copy).Add(", then %d", 2).ToString(),
            "a end i-0123456789abcdef0, then 2");
}

TEST(Reason, FiguresKeepLiteralAndCopiedNames) {
  std::string name = "from_a_plan";
  Reason r = MakeReason(ReasonCode::kBid, {{"bid_usd", 0.5}}, "bid %.2f", 0.5);
  r.figures.push_back({FigureName::Copy(name), 2});
  name = "changed";
  const Reason copy = r;
  EXPECT_EQ(copy.message(), "bid 0.50");
  EXPECT_EQ(copy.figures[0].name.view(), "bid_usd");
  EXPECT_EQ(copy.figures[1].name.view(), "from_a_plan");
  EXPECT_EQ(copy.figures[1].value, 2);
}

}  // namespace
}  // namespace spotburst
