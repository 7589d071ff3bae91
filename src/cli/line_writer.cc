// Buffered line output to a file descriptor.
#include "cli/line_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstddef>

namespace spotburst::cli {
namespace {

// Written out once this much is gathered: a pipe's capacity.
constexpr size_t kFlushBytes = size_t{64} << 10;

}  // namespace

void LineWriter::Add(const std::string& line) {
  buffer_.append(line);
  buffer_ += '\n';
  if (buffer_.size() >= kFlushBytes) Flush();
}

void LineWriter::Flush() {
  size_t done = 0;
  while (done < buffer_.size() && !failed_) {
    const ssize_t n = write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && errno != EINTR) {
      failed_ = true;
    }
  }
  buffer_.clear();
}

}  // namespace spotburst::cli
