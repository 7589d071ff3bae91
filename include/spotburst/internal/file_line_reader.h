// Internal to spotburst (target spotburst::internal): shared by its programs
// and adapters, not installed, no compatibility promise. Implemented in
// src/io/file_line_reader.cc.
//
// Reads a file of newline-ended records (a decision log) one line at a
// time, in bounded memory whatever the file holds.
//
// Only regular files open: a directory, a device (/dev/zero) or a FIFO is
// refused before anything is read. A line longer than the limit is reported
// by its number and skipped without being held in memory. The last line is
// reported apart when it has no newline: a write cut short by a crash or a
// full disk leaves exactly that.
//
//   SPOTBURST_ASSIGN_OR_RETURN(FileLineReader reader,
//                              FileLineReader::Open(path, 64 << 20));
//   while (true) {
//     SPOTBURST_ASSIGN_OR_RETURN(FileLineReader::Line line, reader.Next());
//     if (line.kind == FileLineReader::Kind::kEnd) break;
//     ...
//   }
#ifndef SPOTBURST_INTERNAL_FILE_LINE_READER_H_
#define SPOTBURST_INTERNAL_FILE_LINE_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace spotburst::internal {

class FileLineReader {
 public:
  enum class Kind {
    kLine,     // a complete line; `text` without its newline
    kTooLong,  // longer than the limit; `text` empty, `bytes` its length
    kTorn,     // the last line, without a newline; `text` what there is
    kEnd,      // nothing more
  };
  struct Line {
    Kind kind = Kind::kEnd;
    int64_t number = 0;  // 1-based
    std::string text;
    int64_t bytes = 0;  // the line's length, newline excluded
  };

  // NotFound when `path` cannot be opened; FailedPrecondition when it is
  // not a regular file (the message says what it is). Errors name the path.
  static absl::StatusOr<FileLineReader> Open(const std::string& path,
                                             size_t max_line_bytes);

  FileLineReader(FileLineReader&& other) noexcept;
  FileLineReader& operator=(FileLineReader&& other) noexcept;
  FileLineReader(const FileLineReader&) = delete;
  FileLineReader& operator=(const FileLineReader&) = delete;
  ~FileLineReader();

  // The next line. Unavailable when reading fails (naming the path and the
  // line); the reader is then at its end.
  absl::StatusOr<Line> Next();

  const std::string& path() const { return path_; }

 private:
  FileLineReader(std::string path, int fd, size_t max_line_bytes);

  // Refills buffer_ when it is used up; false at the end of the file.
  absl::StatusOr<bool> Fill(int64_t line_number);

  std::string path_;
  int fd_ = -1;
  size_t max_line_bytes_ = 0;
  int64_t number_ = 0;
  std::string buffer_;  // what was read and not yet returned: [pos_, end)
  size_t pos_ = 0;
  bool at_end_ = false;
};

}  // namespace spotburst::internal

#endif  // SPOTBURST_INTERNAL_FILE_LINE_READER_H_
