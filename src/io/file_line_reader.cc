// Bounded line reading over a regular file.
#include "spotburst/internal/file_line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace spotburst::internal {
namespace {

constexpr size_t kChunkBytes = size_t{1} << 16;

std::string ErrnoMessage(int error_number) {
  return std::generic_category().message(error_number);
}

const char* FileKind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "something else";
}

}  // namespace

absl::StatusOr<FileLineReader> FileLineReader::Open(const std::string& path,
                                                    size_t max_line_bytes) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer before it is
  // refused.
  const int fd =
      ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    const int error = errno;
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot open: ", ErrnoMessage(error)));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int error = errno;
    ::close(fd);
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot stat: ", ErrnoMessage(error)));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return absl::FailedPreconditionError(absl::StrCat(
        path, ": is ", FileKind(st.st_mode), ", not a regular file"));
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return FileLineReader(path, fd, max_line_bytes);
}

FileLineReader::FileLineReader(std::string path, int fd, size_t max_line_bytes)
    : path_(std::move(path)), fd_(fd), max_line_bytes_(max_line_bytes) {}

FileLineReader::FileLineReader(FileLineReader&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      max_line_bytes_(other.max_line_bytes_),
      number_(other.number_),
      buffer_(std::move(other.buffer_)),
      pos_(other.pos_),
      at_end_(other.at_end_) {}

FileLineReader& FileLineReader::operator=(FileLineReader&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    max_line_bytes_ = other.max_line_bytes_;
    number_ = other.number_;
    buffer_ = std::move(other.buffer_);
    pos_ = other.pos_;
    at_end_ = other.at_end_;
  }
  return *this;
}

FileLineReader::~FileLineReader() {
  if (fd_ >= 0) ::close(fd_);
}

absl::StatusOr<bool> FileLineReader::Fill(int64_t line_number) {
  if (at_end_ || fd_ < 0) return false;
  buffer_.resize(kChunkBytes);
  pos_ = 0;
  while (true) {
    const ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
    if (n > 0) {
      buffer_.resize(static_cast<size_t>(n));
      return true;
    }
    buffer_.clear();
    if (n < 0 && errno == EINTR) continue;
    at_end_ = true;
    if (n == 0) return false;
    const int error = errno;
    return absl::UnavailableError(absl::StrCat(
        path_, ":", line_number, ": read failed: ", ErrnoMessage(error)));
  }
}

absl::StatusOr<FileLineReader::Line> FileLineReader::Next() {
  Line line;
  line.number = number_ + 1;
  bool too_long = false;
  while (true) {
    if (pos_ == buffer_.size()) {
      absl::StatusOr<bool> more = Fill(line.number);
      if (!more.ok()) return more.status();
      if (!*more) {
        if (line.bytes == 0) {
          line.kind = Kind::kEnd;
          return line;
        }
        ++number_;
        line.kind = too_long ? Kind::kTooLong : Kind::kTorn;
        return line;
      }
    }
    const char* start = buffer_.data() + pos_;
    const size_t available = buffer_.size() - pos_;
    const char* newline =
        static_cast<const char*>(std::memchr(start, '\n', available));
    const size_t take =
        newline == nullptr ? available : static_cast<size_t>(newline - start);
    line.bytes += static_cast<int64_t>(take);
    if (!too_long) {
      if (line.text.size() + take > max_line_bytes_) {
        too_long = true;
        std::string().swap(line.text);  // let the memory go now
      } else {
        line.text.append(start, take);
      }
    }
    pos_ += take;
    if (newline != nullptr) {
      ++pos_;
      ++number_;
      line.kind = too_long ? Kind::kTooLong : Kind::kLine;
      return line;
    }
  }
}

}  // namespace spotburst::internal
