// Lines from a file descriptor with a bound on their length, for line
// protocols on standard input (`spotburst evaluate --state=-`).
//
// A line longer than the bound is not buffered: the reader keeps its first
// bytes, skips the rest up to the next newline and reports it as too long,
// so input such as /dev/zero costs bounded memory and the next line is read
// as usual. Reads return as soon as a line is complete, so a caller that
// writes one line and waits for the answer is served at once.
#ifndef SPOTBURST_CLI_LINE_READER_H_
#define SPOTBURST_CLI_LINE_READER_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace spotburst::cli {

class LineReader {
 public:
  enum class Result {
    kLine,     // line() is the whole line, without its "\n"
    kTooLong,  // line() is its first bytes only; length() the whole length
    kEnd,      // end of input
    kError,    // a read failed; error() says why
  };

  LineReader(int fd, size_t max_line_bytes) : fd_(fd), max_(max_line_bytes) {}

  Result Next();
  // Whether a whole line is buffered, so Next returns without reading:
  // when not, a caller that answers lines flushes before calling Next.
  bool HasBufferedLine() const;
  // Valid until the next call to Next.
  std::string_view line() const { return line_; }
  // Bytes in the line, without its "\n", however long it was.
  size_t length() const { return length_; }
  const std::string& error() const { return error_; }

 private:
  // Reads more input into buffer_; false at the end or on an error.
  bool Fill();

  int fd_;
  size_t max_;
  std::string buffer_;
  size_t pos_ = 0;  // buffer_[pos_, end) is not consumed yet
  bool at_end_ = false;
  std::string line_;
  size_t length_ = 0;
  std::string error_;
};

}  // namespace spotburst::cli

#endif  // SPOTBURST_CLI_LINE_READER_H_
