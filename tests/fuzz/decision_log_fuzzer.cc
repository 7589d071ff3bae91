// Fuzzes decision log files as `spotburst replay` reads them: the bytes are
// a whole file (in memory, seen through /proc/self/fd), read line by line
// with a small line limit; each complete line is split into its policy,
// state and plan, which are parsed and evaluated again as replay does.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "spotburst/engine.h"
#include "spotburst/internal/decision_record.h"
#include "spotburst/internal/file_line_reader.h"
#include "spotburst/policy.h"
#include "spotburst/wire_format.h"

namespace {

constexpr size_t kMaxLineBytes = 16 << 10;

void ReplayLine(const std::string& line) {
  auto record = spotburst::internal::ParseDecisionRecord(line);
  if (!record.ok()) return;
  auto policy = spotburst::ParsePolicy(record->policy_json, "policy");
  auto state = spotburst::ParseStateJson(record->state_json);
  auto plan = spotburst::ParsePlanJson(record->plan_json);
  if (!policy.ok() || !state.ok() || !plan.ok()) return;
  auto engine = spotburst::Engine::Create(*policy);
  if (!engine.ok()) return;
  (void)engine->Evaluate(state->input, state->now);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int fd = memfd_create("decision-log", 0);
  SPOTBURST_FUZZ_CHECK(fd >= 0);
  for (size_t written = 0; written < size;) {
    const ssize_t n = write(fd, data + written, size - written);
    SPOTBURST_FUZZ_CHECK(n > 0);
    written += static_cast<size_t>(n);
  }
  {
    auto reader = spotburst::internal::FileLineReader::Open(
        "/proc/self/fd/" + std::to_string(fd), kMaxLineBytes);
    SPOTBURST_FUZZ_CHECK(reader.ok());
    int64_t last_number = 0;
    while (true) {
      auto line = reader->Next();
      SPOTBURST_FUZZ_CHECK(line.ok());
      using Kind = spotburst::internal::FileLineReader::Kind;
      if (line->kind == Kind::kEnd) break;
      // Lines come in order, each within the limit.
      SPOTBURST_FUZZ_CHECK(line->number == last_number + 1);
      last_number = line->number;
      SPOTBURST_FUZZ_CHECK(line->text.size() <= kMaxLineBytes);
      if (line->kind == Kind::kTooLong) {
        SPOTBURST_FUZZ_CHECK(line->bytes > static_cast<int64_t>(kMaxLineBytes));
        continue;
      }
      ReplayLine(line->text);
    }
  }
  close(fd);
  return 0;
}
