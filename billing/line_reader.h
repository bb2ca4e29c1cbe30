#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace preflight::billing {

// Reads a text file line by line through a fixed buffer ("-" reads stdin). A line longer than
// kMaxLineBytes is an error, so memory stays bounded whatever the input.
class LineReader {
 public:
  static constexpr std::size_t kMaxLineBytes = 1u << 20;

  // Throws std::runtime_error naming the file if it cannot be opened.
  explicit LineReader(const std::string& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its "\n" (or "\r\n"); false at the end of the file. The view is valid until the
  // next call. Throws std::runtime_error on a read error or an over-long line.
  bool next(std::string_view& line);
  std::uint64_t line_number() const { return line_number_; }

 private:
  bool refill();

  std::string path_;
  std::FILE* file_ = nullptr;
  bool owns_file_ = false;
  std::unique_ptr<char[]> buffer_;
  std::size_t begin_ = 0, end_ = 0;
  std::string carry_;  // a line split across buffer refills
  std::uint64_t line_number_ = 0;
  bool eof_ = false;
};

}  // namespace preflight::billing
