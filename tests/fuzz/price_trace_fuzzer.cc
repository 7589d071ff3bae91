// Fuzzes spot price trace CSV. A trace that parses has, per market, points
// in strictly increasing time with finite, non-negative prices.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "spotburst/price_trace.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto histories = spotburst::ParsePriceTraceCsv(text, "fuzz.csv");
  if (!histories.ok()) return 0;
  for (const spotburst::PriceHistory& history : *histories) {
    for (size_t i = 0; i < history.points.size(); ++i) {
      const double price = history.points[i].usd_per_hour;
      SPOTBURST_FUZZ_CHECK(std::isfinite(price) && price >= 0);
      if (i > 0) {
        SPOTBURST_FUZZ_CHECK(history.points[i - 1].time <=
                             history.points[i].time);
      }
    }
  }
  auto catalog = spotburst::ParseInstanceCatalogCsv(text, "fuzz.csv");
  (void)catalog;
  return 0;
}
