#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace preflight {

// The longest URL-list line read as an input (its indentation, newline and trailing CR not counted).
inline constexpr std::size_t kMaxUrlListLine = 8192;

// One input line of a URL list (SPEC §10). When the line itself is unusable (too long, a NUL byte, not
// UTF-8) or the list could not be read (`url` is then the list's name), `error_reason`/`error_message` say
// so and it still gets a record.
struct UrlListEntry {
  std::uint64_t line_number = 0;             // 1-based line in the list
  std::string url;                           // the URL text (for a bad line: what can be shown of it)
  std::optional<std::string> data_id;        // text after the first TAB, if any
  std::optional<std::string> error_reason;   // "bad_url", "invalid_data_id", or "unreadable" (read error)
  std::optional<std::string> error_message;  // names the list, the line number and what is wrong
};

// Reads a URL list lazily through one fixed buffer, so a list of any length is read in bounded memory:
// one URL per line, optionally a TAB and a DataId; blank lines and lines starting with '#' are skipped;
// surrounding ASCII whitespace (and so a CR of CRLF) is trimmed. A read error ends the list after one
// entry saying so.
class UrlListReader final {
 public:
  // `fd` is read, not closed; `list_name` (a path or "stdin") goes into messages.
  UrlListReader(int fd, std::string list_name);

  // The next input line, or nullopt at the end of the list.
  std::optional<UrlListEntry> next();

 private:
  enum class Fill { Data, End, Error };

  Fill refill();
  bool take_line_bytes();
  std::optional<UrlListEntry> finish_line();
  UrlListEntry input_entry(std::string_view text) const;
  UrlListEntry bad_line(std::string url, std::string_view problem) const;
  UrlListEntry read_error_entry(int error) const;

  int fd_;
  std::string list_name_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // unread bytes are buffer_[begin_, end_)
  std::size_t end_ = 0;
  std::string line_;       // the line being assembled, without its indentation, capped
  bool overlong_ = false;  // line_ was capped: the rest of the line is being skipped
  std::uint64_t line_number_ = 0;
  bool done_ = false;
};

}  // namespace preflight
