#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace preflight::billing {

// A strict, allocation-free JSON (RFC 8259) scanner for one JSON Lines record that must be an object. It
// checks the whole text — structure, string escapes and surrogate pairs, UTF-8, control characters,
// number syntax, nesting depth — and reports to a Visitor every value that sits directly in the record
// (depth 1) or in one of its member objects (depth 2); deeper values are checked but not reported.
class JsonScanner {
 public:
  static constexpr int kMaxDepth = 128;

  enum class Kind { Object, Array, String, Number, True, False, Null };

  // A non-string value. Objects and arrays are reported when they open ("an object", "an array").
  struct Token {
    Kind kind;
    std::string_view text;
    // The value if this is a JSON integer in 1..2^64-1 ("12", not "12.0", "1e3" or "-1").
    std::optional<std::uint64_t> positive_integer() const;
  };

  struct StringToken {
    std::string_view raw;      // with its quotes, as written
    std::string_view content;  // between the quotes, escapes not decoded
    bool escaped = false;
    // The decoded string: `content` itself when there are no escapes, else decoded into `buffer`.
    std::string_view value(std::string& buffer) const;
  };

  // Where a value sits: `depth` 1 is a member of the record; `key` is its member name (empty in arrays);
  // `outer_key` is the record member it is inside (equal to `key` at depth 1).
  struct Path {
    int depth = 0;
    bool in_object = false;
    std::string_view key;
    std::string_view outer_key;
  };

  class Visitor {
   public:
    using Path = JsonScanner::Path;
    virtual ~Visitor() = default;
    // Each returns "" to go on, or a message that stops the scan and becomes scan()'s result.
    virtual std::string string_value(const Path& path, const StringToken& token) = 0;
    virtual std::string other_value(const Path& path, const Token& token) = 0;
  };

  explicit JsonScanner(std::string_view text) : text_(text) {}

  // "" if `text` is one JSON object (surrounding whitespace allowed) and the visitor accepted every
  // value; otherwise "not valid JSON at column N: …" or the visitor's message.
  std::string scan(Visitor& visitor);

 private:
  bool value(Visitor& visitor, const Path& path);
  bool object(Visitor& visitor, const Path& path);
  bool array(Visitor& visitor, const Path& path);
  bool string(StringToken& token);
  bool escape();
  bool utf8_sequence();
  bool number(Token& token);
  bool literal(std::string_view word, Kind kind, Token& token);
  bool report(Visitor& visitor, const Path& path, const Token& token);
  bool member_key(const Path& container, std::string_view& key);
  void skip_whitespace();
  bool fail(std::string_view what);
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  bool consume() {
    ++pos_;
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::string error_;
  std::array<std::string, 3> key_buffers_;  // decoded member names at depths 1 and 2
};

}  // namespace preflight::billing
