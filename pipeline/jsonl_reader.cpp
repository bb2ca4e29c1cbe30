#include "pipeline/jsonl_reader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace preflight {
namespace {

constexpr std::size_t kInitialBuffer = 1 << 16;
// A record is a few hundred bytes; a line this long is not one of ours.
constexpr std::size_t kMaxLine = 16 << 20;

}  // namespace

JsonlReader::JsonlReader(const std::string& path, bool missing_ok) : path_(path), buffer_(kInitialBuffer) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0 && !(missing_ok && errno == ENOENT))
    throw std::runtime_error(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  eof_ = fd_ < 0;
}

JsonlReader::~JsonlReader() {
  if (fd_ >= 0) ::close(fd_);
}

// Moves the unread bytes to the front and reads more after them; false at end of file.
bool JsonlReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) {
    if (buffer_.size() >= kMaxLine)
      throw std::runtime_error(fmt::format("{}: line {} is longer than {} bytes: not a preflight file", path_,
                                           line_number_ + 1, kMaxLine));
    buffer_.resize(buffer_.size() * 2);
  }
  ssize_t got;
  do {
    got = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
  } while (got < 0 && errno == EINTR);
  if (got < 0) throw std::runtime_error(fmt::format("{}: cannot read: {}", path_, std::strerror(errno)));
  if (got == 0) eof_ = true;
  end_ += static_cast<std::size_t>(got);
  return got > 0;
}

std::optional<std::string_view> JsonlReader::next() {
  std::size_t scanned = begin_;
  while (true) {
    const void* newline = std::memchr(buffer_.data() + scanned, '\n', end_ - scanned);
    if (newline) {
      const std::size_t line_end = static_cast<const char*>(newline) - buffer_.data();
      const std::string_view line(buffer_.data() + begin_, line_end - begin_);
      offset_ += line.size() + 1;
      ++line_number_;
      begin_ = line_end + 1;
      return line;
    }
    const std::size_t unread = end_ - begin_;
    if (!fill()) return std::nullopt;  // what is left has no newline: a torn line, never returned
    scanned = begin_ + unread;
  }
}

}  // namespace preflight
