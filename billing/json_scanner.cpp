#include "billing/json_scanner.h"

#include <fmt/format.h>

namespace preflight::billing {
namespace {

constexpr int kReportedDepth = 2;
constexpr std::uint32_t kHighSurrogateFirst = 0xD800, kHighSurrogateLast = 0xDBFF;
constexpr std::uint32_t kLowSurrogateFirst = 0xDC00, kLowSurrogateLast = 0xDFFF;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Bytes a string scan must stop at: control characters, the quote, the backslash and every non-ASCII
// byte (checked as UTF-8). One table lookup per byte keeps the common ASCII run tight.
constexpr std::array<bool, 256> kStringStop = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = true;
  for (int c = 0x80; c < 0x100; ++c) table[c] = true;
  table['"'] = table['\\'] = true;
  return table;
}();

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The four hex digits at `text[at]`, or nothing.
std::optional<std::uint32_t> hex4(std::string_view text, std::size_t at) {
  if (at + 4 > text.size()) return std::nullopt;
  std::uint32_t value = 0;
  for (std::size_t i = at; i < at + 4; ++i) {
    const int digit = hex_digit(text[i]);
    if (digit < 0) return std::nullopt;
    value = value << 4 | static_cast<std::uint32_t>(digit);
  }
  return value;
}

void append_utf8(std::uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | code_point >> 6));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | code_point >> 12));
    out.push_back(static_cast<char>(0x80 | (code_point >> 6 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | code_point >> 18));
    out.push_back(static_cast<char>(0x80 | (code_point >> 12 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point >> 6 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

char simple_escape(char c) {
  switch (c) {
    case '"':
      return '"';
    case '\\':
      return '\\';
    case '/':
      return '/';
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    default:
      return '\0';
  }
}

// Continuation bytes a UTF-8 lead byte needs and the allowed range of the first one (which excludes
// overlong forms, surrogates and code points above U+10FFFF); 0 needed: not a lead byte.
struct Utf8Lead {
  int continuation_bytes;
  unsigned char first_min, first_max;
};

Utf8Lead utf8_lead(unsigned char lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return {1, 0x80, 0xBF};
  if (lead == 0xE0) return {2, 0xA0, 0xBF};
  if (lead == 0xED) return {2, 0x80, 0x9F};
  if (lead >= 0xE1 && lead <= 0xEF) return {2, 0x80, 0xBF};
  if (lead == 0xF0) return {3, 0x90, 0xBF};
  if (lead >= 0xF1 && lead <= 0xF3) return {3, 0x80, 0xBF};
  if (lead == 0xF4) return {3, 0x80, 0x8F};
  return {0, 0, 0};
}

}  // namespace

std::optional<std::uint64_t> JsonScanner::Token::positive_integer() const {
  if (kind != Kind::Number || text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : text) {
    if (!is_digit(c)) return std::nullopt;
    if (__builtin_mul_overflow(value, 10, &value) || __builtin_add_overflow(value, c - '0', &value))
      return std::nullopt;
  }
  if (value == 0) return std::nullopt;
  return value;
}

std::string_view JsonScanner::StringToken::value(std::string& buffer) const {
  if (!escaped) return content;
  buffer.clear();
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (content[i] != '\\') {
      buffer.push_back(content[i]);
      continue;
    }
    const char kind = content[++i];
    if (kind != 'u') {
      buffer.push_back(simple_escape(kind));
      continue;
    }
    std::uint32_t code_point = *hex4(content, i + 1);  // checked by the scanner, as are surrogate pairs
    i += 4;
    if (code_point >= kHighSurrogateFirst && code_point <= kHighSurrogateLast) {
      const std::uint32_t low = *hex4(content, i + 3);
      code_point = 0x10000 + ((code_point - kHighSurrogateFirst) << 10) + (low - kLowSurrogateFirst);
      i += 6;
    }
    append_utf8(code_point, buffer);
  }
  return buffer;
}

bool JsonScanner::fail(std::string_view what) {
  if (error_.empty()) error_ = fmt::format("not valid JSON at column {}: {}", pos_ + 1, what);
  return false;
}

void JsonScanner::skip_whitespace() {
  while (!at_end() &&
         (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
    ++pos_;
}

std::string JsonScanner::scan(Visitor& visitor) {
  skip_whitespace();
  if (peek() != '{') {
    error_ = "the line must be a JSON object";
    return error_;
  }
  if (!object(visitor, Path{})) return error_;
  skip_whitespace();
  if (!at_end()) fail("unexpected text after the object");
  return error_;
}

bool JsonScanner::report(Visitor& visitor, const Path& path, const Token& token) {
  if (path.depth > kReportedDepth) return true;
  std::string problem = visitor.other_value(path, token);
  if (problem.empty()) return true;
  error_ = std::move(problem);
  return false;
}

bool JsonScanner::value(Visitor& visitor, const Path& path) {
  skip_whitespace();
  Token token{Kind::Null, {}};
  switch (peek()) {
    case '{':
      return report(visitor, path, {Kind::Object, "an object"}) && object(visitor, path);
    case '[':
      return report(visitor, path, {Kind::Array, "an array"}) && array(visitor, path);
    case '"': {
      StringToken string_token;
      if (!string(string_token)) return false;
      if (path.depth > kReportedDepth) return true;
      error_ = visitor.string_value(path, string_token);
      return error_.empty();
    }
    case 't':
      return literal("true", Kind::True, token) && report(visitor, path, token);
    case 'f':
      return literal("false", Kind::False, token) && report(visitor, path, token);
    case 'n':
      return literal("null", Kind::Null, token) && report(visitor, path, token);
    default:
      return number(token) && report(visitor, path, token);
  }
}

bool JsonScanner::member_key(const Path& container, std::string_view& key) {
  if (peek() != '"') return fail("expected a member name in double quotes");
  StringToken token;
  if (!string(token)) return false;
  const int depth = container.depth + 1;
  key = depth <= kReportedDepth ? token.value(key_buffers_[depth]) : token.content;
  return true;
}

bool JsonScanner::object(Visitor& visitor, const Path& path) {
  if (path.depth >= kMaxDepth) return fail(fmt::format("nesting deeper than {} levels", kMaxDepth));
  ++pos_;  // '{'
  skip_whitespace();
  if (peek() == '}') return consume();
  while (true) {
    skip_whitespace();
    std::string_view key;
    if (!member_key(path, key)) return false;
    skip_whitespace();
    if (peek() != ':') return fail("expected ':' after a member name");
    ++pos_;
    const Path member{path.depth + 1, true, key, path.depth == 0 ? key : path.outer_key};
    if (!value(visitor, member)) return false;
    skip_whitespace();
    if (peek() == ',') {
      ++pos_;
      continue;
    }
    if (peek() == '}') return consume();
    return fail("expected ',' or '}' after an object member");
  }
}

bool JsonScanner::array(Visitor& visitor, const Path& path) {
  if (path.depth >= kMaxDepth) return fail(fmt::format("nesting deeper than {} levels", kMaxDepth));
  ++pos_;  // '['
  skip_whitespace();
  if (peek() == ']') return consume();
  const Path element{path.depth + 1, false, {}, path.outer_key};
  while (true) {
    if (!value(visitor, element)) return false;
    skip_whitespace();
    if (peek() == ',') {
      ++pos_;
      continue;
    }
    if (peek() == ']') return consume();
    return fail("expected ',' or ']' after an array element");
  }
}

bool JsonScanner::string(StringToken& token) {
  const std::size_t start = pos_++;
  token.escaped = false;
  while (true) {
    const std::size_t size = text_.size();
    const char* data = text_.data();
    while (pos_ < size && !kStringStop[static_cast<unsigned char>(data[pos_])]) ++pos_;
    if (at_end()) return fail("unterminated string");
    const auto c = static_cast<unsigned char>(text_[pos_]);
    if (c == '"') break;
    if (c == '\\') {
      token.escaped = true;
      if (!escape()) return false;
    } else if (c < 0x20) {
      return fail("control character in a string (write it as an escape)");
    } else if (!utf8_sequence()) {
      return false;
    }
  }
  token.content = text_.substr(start + 1, pos_ - start - 1);
  ++pos_;  // closing quote
  token.raw = text_.substr(start, pos_ - start);
  return true;
}

bool JsonScanner::escape() {
  ++pos_;  // backslash
  if (simple_escape(peek()) != '\0') return consume();
  if (peek() != 'u') return fail("invalid escape in a string");
  const std::optional<std::uint32_t> unit = hex4(text_, pos_ + 1);
  if (!unit) return fail("\\u must be followed by four hex digits");
  pos_ += 5;
  if (*unit >= kLowSurrogateFirst && *unit <= kLowSurrogateLast)
    return fail("lone low surrogate in \\u escape");
  if (*unit < kHighSurrogateFirst || *unit > kHighSurrogateLast) return true;
  const bool paired = text_.substr(pos_, 2) == "\\u";
  const std::optional<std::uint32_t> low = paired ? hex4(text_, pos_ + 2) : std::nullopt;
  if (!low || *low < kLowSurrogateFirst || *low > kLowSurrogateLast)
    return fail("high surrogate in \\u escape without a low surrogate after it");
  pos_ += 6;
  return true;
}

bool JsonScanner::utf8_sequence() {
  const Utf8Lead lead = utf8_lead(static_cast<unsigned char>(text_[pos_]));
  const auto needed = static_cast<std::size_t>(lead.continuation_bytes);
  if (needed == 0 || pos_ + needed >= text_.size()) return fail("invalid UTF-8 in a string");
  const auto first = static_cast<unsigned char>(text_[pos_ + 1]);
  if (first < lead.first_min || first > lead.first_max) return fail("invalid UTF-8 in a string");
  for (int i = 2; i <= lead.continuation_bytes; ++i) {
    const auto next = static_cast<unsigned char>(text_[pos_ + i]);
    if ((next & 0xC0) != 0x80) return fail("invalid UTF-8 in a string");
  }
  pos_ += 1 + lead.continuation_bytes;
  return true;
}

bool JsonScanner::number(Token& token) {
  const std::size_t start = pos_;
  if (peek() == '-') ++pos_;
  if (peek() == '0') {
    ++pos_;
  } else if (is_digit(peek())) {
    while (is_digit(peek())) ++pos_;
  } else {
    return fail("expected a value");
  }
  if (peek() == '.') {
    ++pos_;
    if (!is_digit(peek())) return fail("expected a digit after '.'");
    while (is_digit(peek())) ++pos_;
  }
  if (peek() == 'e' || peek() == 'E') {
    ++pos_;
    if (peek() == '+' || peek() == '-') ++pos_;
    if (!is_digit(peek())) return fail("expected a digit in the exponent");
    while (is_digit(peek())) ++pos_;
  }
  token = {Kind::Number, text_.substr(start, pos_ - start)};
  return true;
}

bool JsonScanner::literal(std::string_view word, Kind kind, Token& token) {
  if (text_.substr(pos_, word.size()) != word) return fail("expected a value");
  token = {kind, text_.substr(pos_, word.size())};
  pos_ += word.size();
  return true;
}

}  // namespace preflight::billing
