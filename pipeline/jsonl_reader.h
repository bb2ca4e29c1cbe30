#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace preflight {

// Reads a JSON Lines file line by line in bounded memory. Only complete lines (ending in '\n') are
// returned: a torn last line, left by a crash mid-write, is not.
class JsonlReader final {
 public:
  // Throws std::runtime_error naming the path when it cannot be opened. A missing file reads as empty
  // when `missing_ok`.
  explicit JsonlReader(const std::string& path, bool missing_ok = false);
  ~JsonlReader();
  JsonlReader(const JsonlReader&) = delete;
  JsonlReader& operator=(const JsonlReader&) = delete;

  // The next complete line without its '\n'; valid until the next call.
  std::optional<std::string_view> next();
  // Bytes up to the end of the last line returned: where the file may be cut to drop what follows.
  std::uint64_t offset() const { return offset_; }
  std::uint64_t line_number() const { return line_number_; }  // of the last line returned, 1-based
  const std::string& path() const { return path_; }

 private:
  bool fill();

  std::string path_;
  int fd_ = -1;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  std::uint64_t offset_ = 0;
  std::uint64_t line_number_ = 0;
};

}  // namespace preflight
