#include "pipeline/url_list.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <system_error>

#include "pipeline/data_id.h"
#include "pipeline/url_list_text.h"

namespace preflight {
namespace {

constexpr std::size_t kReadBufferBytes = 64 * 1024;
constexpr std::size_t kShownPrefixBytes = 200;  // of an overlong line, in its record
constexpr std::string_view kAsciiSpace = " \t\n\v\f\r";

std::string_view trim_leading(std::string_view text) {
  const std::size_t start = text.find_first_not_of(kAsciiSpace);
  return start == std::string_view::npos ? std::string_view{} : text.substr(start);
}

std::string_view trim(std::string_view text) {
  text = trim_leading(text);
  return text.substr(0, text.find_last_not_of(kAsciiSpace) + 1);
}

// What makes a line's bytes unusable as text, if anything.
std::optional<std::string> text_problem(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return "contains a NUL byte";
  const std::size_t bad = invalid_utf8_offset(text);
  if (bad == std::string_view::npos) return std::nullopt;
  return fmt::format("is not valid UTF-8 (byte 0x{:02x})", static_cast<unsigned char>(text[bad]));
}

}  // namespace

UrlListReader::UrlListReader(int fd, std::string list_name)
    : fd_(fd), list_name_(std::move(list_name)), buffer_(kReadBufferBytes) {
  line_.reserve(kMaxUrlListLine + 1);
}

std::optional<UrlListEntry> UrlListReader::next() {
  while (!done_) {
    if (begin_ == end_) {
      const Fill fill = refill();
      if (fill == Fill::Error) {
        done_ = true;
        return read_error_entry(errno);
      }
      if (fill == Fill::End) {
        done_ = true;
        return finish_line();  // a last line without a newline is still an input
      }
    }
    if (take_line_bytes()) {
      if (auto entry = finish_line()) return entry;
    }
  }
  return std::nullopt;
}

UrlListReader::Fill UrlListReader::refill() {
  while (true) {
    const ssize_t got = ::read(fd_, buffer_.data(), buffer_.size());
    if (got >= 0) {
      begin_ = 0;
      end_ = static_cast<std::size_t>(got);
      return got == 0 ? Fill::End : Fill::Data;
    }
    if (errno != EINTR) return Fill::Error;
  }
}

// Moves the buffered bytes up to the next newline into the line; true when the newline was reached. Bytes
// past the cap are consumed without being stored.
bool UrlListReader::take_line_bytes() {
  const char* start = buffer_.data() + begin_;
  const std::size_t available = end_ - begin_;
  const auto* newline = static_cast<const char*>(std::memchr(start, '\n', available));
  const std::size_t length = newline ? static_cast<std::size_t>(newline - start) : available;
  std::string_view piece(start, length);
  if (line_.empty()) piece = trim_leading(piece);               // indentation is neither stored nor counted
  const std::size_t room = kMaxUrlListLine + 1 - line_.size();  // + 1: room for the CR of a CRLF
  overlong_ = overlong_ || piece.size() > room;
  line_.append(piece.substr(0, room));
  begin_ += newline ? length + 1 : length;
  return newline != nullptr;
}

// The entry for the line just assembled; nullopt for a blank line or a comment.
std::optional<UrlListEntry> UrlListReader::finish_line() {
  ++line_number_;
  std::string_view text = line_;
  if (text.ends_with('\r')) text.remove_suffix(1);
  std::optional<UrlListEntry> entry;
  if (!text.empty() && !text.starts_with('#')) {
    entry = overlong_ || text.size() > kMaxUrlListLine
                ? bad_line(displayable_prefix(text, kShownPrefixBytes),
                           fmt::format("is longer than {} bytes", kMaxUrlListLine))
                : input_entry(text);
  }
  line_.clear();
  overlong_ = false;
  return entry;
}

UrlListEntry UrlListReader::input_entry(std::string_view text) const {
  const std::size_t tab = text.find('\t');
  const std::string url = displayable(trim(text.substr(0, tab)));
  const std::optional<std::string> problem = text_problem(text);
  UrlListEntry entry = problem ? bad_line(url, *problem) : UrlListEntry{line_number_, url};
  const std::string_view data_id = tab == std::string_view::npos ? "" : trim(text.substr(tab + 1));
  if (!data_id.empty()) entry.data_id = displayable(data_id);
  if (!entry.error_reason && entry.data_id) {
    if (const auto rejection = check_data_id(*entry.data_id)) {
      entry.error_reason = rejection->reason_text();
      entry.error_message = fmt::format("line {} of {}: {}", line_number_, list_name_, rejection->message);
    }
  }
  return entry;
}

UrlListEntry UrlListReader::bad_line(std::string url, std::string_view problem) const {
  return UrlListEntry{line_number_, std::move(url), std::nullopt, "bad_url",
                      fmt::format("line {} of {} {}", line_number_, list_name_, problem)};
}

UrlListEntry UrlListReader::read_error_entry(int error) const {
  const std::uint64_t line_number = line_number_ + 1;
  return UrlListEntry{line_number, list_name_, std::nullopt, "unreadable",
                      fmt::format("reading {} failed at line {}: {}; the rest of the list was not read",
                                  list_name_, line_number, std::generic_category().message(error))};
}

}  // namespace preflight
