// Bounded line reading from a file descriptor.
#include "cli/line_reader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace spotburst::cli {
namespace {

constexpr size_t kChunkBytes = size_t{64} << 10;
// What is kept of a line that is too long, for the error to quote.
constexpr size_t kKeptBytes = 256;

}  // namespace

bool LineReader::Fill() {
  if (at_end_ || !error_.empty()) return false;
  buffer_.resize(kChunkBytes);
  pos_ = 0;
  while (true) {
    const ssize_t n = read(fd_, buffer_.data(), buffer_.size());
    if (n > 0) {
      buffer_.resize(static_cast<size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    buffer_.clear();
    if (n == 0) {
      at_end_ = true;
    } else {
      error_ = std::strerror(errno);
    }
    return false;
  }
}

bool LineReader::HasBufferedLine() const {
  return std::memchr(buffer_.data() + pos_, '\n', buffer_.size() - pos_) !=
         nullptr;
}

LineReader::Result LineReader::Next() {
  line_.clear();
  length_ = 0;
  bool started = false;  // some of this line (maybe just "\n") was read
  while (true) {
    if (pos_ == buffer_.size() && !Fill()) {
      if (!error_.empty()) return Result::kError;
      if (!started) return Result::kEnd;
      break;  // a last line without "\n"
    }
    started = true;
    const char* begin = buffer_.data() + pos_;
    const size_t available = buffer_.size() - pos_;
    const void* newline = std::memchr(begin, '\n', available);
    const size_t take =
        newline == nullptr
            ? available
            : static_cast<size_t>(static_cast<const char*>(newline) - begin);
    // Keep the line while it fits; past the bound keep only its start.
    if (length_ + take <= max_) {
      line_.append(begin, take);
    } else if (line_.size() < kKeptBytes) {
      line_.append(begin, std::min(take, kKeptBytes - line_.size()));
    }
    if (length_ + take > max_ && line_.size() > kKeptBytes) {
      line_.resize(kKeptBytes);
      line_.shrink_to_fit();
    }
    length_ += take;
    pos_ += take;
    if (newline != nullptr) {
      ++pos_;  // the "\n"
      break;
    }
  }
  return length_ > max_ ? Result::kTooLong : Result::kLine;
}

}  // namespace spotburst::cli
