// Output of a line protocol on a file descriptor (`spotburst evaluate
// --state=-`): lines gather in memory and go out in one write when the
// caller flushes, which it does before it waits for more input, so a
// caller that writes a line and waits is answered at once, and a file of
// lines costs one write per buffer rather than one per line.
#ifndef SPOTBURST_CLI_LINE_WRITER_H_
#define SPOTBURST_CLI_LINE_WRITER_H_

#include <string>

namespace spotburst::cli {

class LineWriter {
 public:
  explicit LineWriter(int fd) : fd_(fd) {}
  ~LineWriter() { Flush(); }
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  // Appends one line; `line` has no "\n". Writes out a full buffer.
  void Add(const std::string& line);
  // Writes out what was added. After a failed write (the reader is gone)
  // further output is dropped, as an ostream in error would drop it.
  void Flush();

 private:
  int fd_;
  std::string buffer_;
  bool failed_ = false;
};

}  // namespace spotburst::cli

#endif  // SPOTBURST_CLI_LINE_WRITER_H_
