#include "billing/line_reader.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace preflight::billing {
namespace {

constexpr std::size_t kBufferBytes = 1u << 20;

std::string_view without_cr(std::string_view line) {
  return !line.empty() && line.back() == '\r' ? line.substr(0, line.size() - 1) : line;
}

}  // namespace

LineReader::LineReader(const std::string& path) : path_(path) {
  if (path == "-") {
    file_ = stdin;
  } else {
    file_ = std::fopen(path.c_str(), "rb");
    owns_file_ = true;
    if (file_ == nullptr)
      throw std::runtime_error(fmt::format("{}: cannot be opened ({})", path, std::strerror(errno)));
  }
  buffer_ = std::make_unique_for_overwrite<char[]>(kBufferBytes);
}

LineReader::~LineReader() {
  if (owns_file_ && file_ != nullptr) std::fclose(file_);
}

bool LineReader::refill() {
  if (eof_) return false;
  begin_ = 0;
  end_ = std::fread(buffer_.get(), 1, kBufferBytes, file_);
  if (end_ == 0) {
    if (std::ferror(file_))
      throw std::runtime_error(fmt::format("{}: read error ({})", path_, std::strerror(errno)));
    eof_ = true;
    return false;
  }
  return true;
}

bool LineReader::next(std::string_view& line) {
  carry_.clear();
  while (true) {
    if (begin_ == end_ && !refill()) {
      if (carry_.empty()) return false;
      ++line_number_;
      line = without_cr(carry_);
      return true;
    }
    const char* start = buffer_.get() + begin_;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    const std::size_t length = newline ? static_cast<std::size_t>(newline - start) : end_ - begin_;
    if (carry_.size() + length > kMaxLineBytes) {
      throw std::runtime_error(fmt::format("{}:{}: line is longer than {} bytes (not an event)", path_,
                                           line_number_ + 1, kMaxLineBytes));
    }
    begin_ += length + (newline ? 1 : 0);
    if (newline && carry_.empty()) {
      ++line_number_;
      line = without_cr({start, length});
      return true;
    }
    carry_.append(start, length);
    if (newline) {
      ++line_number_;
      line = without_cr(carry_);
      return true;
    }
  }
}

}  // namespace preflight::billing
