// Internal to spotburst (target spotburst::internal): shared by its programs
// and adapters, not installed, no compatibility promise. Implemented in
// src/io/csv_fields.cc.
//
// Pieces shared by the CSV readers (spot price traces, instance catalogues,
// workload traces): line iteration, field splitting and the parsing of
// timestamps and amounts, with errors that name the file and the line.
// Traces run to hundreds of thousands of rows, so fields stay string_views
// and the usual timestamp form is parsed by hand.
#ifndef SPOTBURST_INTERNAL_CSV_FIELDS_H_
#define SPOTBURST_INTERNAL_CSV_FIELDS_H_

#include <array>
#include <cstddef>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace spotburst::internal {

// InvalidArgument "<source>:<line>: <what>".
absl::Status LineError(std::string_view source, int line,
                       std::string_view what);

// Yields lines without their "\n" or "\r\n", counting from 1.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : rest_(text) {}

  bool Next(std::string_view* line);
  int number() const { return number_; }

 private:
  std::string_view rest_;
  int number_ = 0;
};

// Splits `line` at commas into `fields`; returns how many fields the line
// has, which may be more than N (the extra ones are not stored).
template <size_t N>
size_t SplitFields(std::string_view line,
                   std::array<std::string_view, N>& fields) {
  size_t count = 0;
  while (true) {
    const size_t comma = line.find(',');
    if (count < N) fields[count] = line.substr(0, comma);
    ++count;
    if (comma == std::string_view::npos) return count;
    line.remove_prefix(comma + 1);
  }
}

// Reads the header line (dropping a UTF-8 byte order mark) and checks that
// it is `want`, or with `prefix_only` that it starts with `want` followed by
// a comma or nothing.
absl::Status CheckHeader(std::string_view want, std::string_view source,
                         LineReader& lines, bool prefix_only = false);

// "YYYY-MM-DD" as midnight UTC; false for an impossible date or one before
// year 1.
bool ParseUtcDate(std::string_view s, absl::Time* out);
// "YYYY-MM-DDTHH:MM:SSZ" by hand, any other RFC 3339 form via absl; false
// outside the Timestamp range (years 1 to 9999, see state_proto.h).
bool ParseUtcTimestamp(std::string_view s, absl::Time* out);
// A finite amount >= 0; `what` names the column in the error.
absl::Status ParseAmount(std::string_view s, std::string_view what,
                         double* out);

}  // namespace spotburst::internal

#endif  // SPOTBURST_INTERNAL_CSV_FIELDS_H_
