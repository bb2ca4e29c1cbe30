#include "billing/rfc3339.h"

#include "billing/civil_date.h"

namespace preflight::billing {
namespace {

constexpr std::size_t kDateTimeLength = 19;  // YYYY-MM-DDTHH:MM:SS
constexpr int kLeapSecond = 60;

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool digits(std::size_t count, int& value) {
    if (pos_ + count > text_.size()) return false;
    value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    pos_ += count;
    return true;
  }
  bool literal(char expected) { return one_of(std::string_view(&expected, 1)); }
  bool one_of(std::string_view accepted) {
    if (pos_ >= text_.size() || accepted.find(text_[pos_]) == std::string_view::npos) return false;
    ++pos_;
    return true;
  }
  void skip_digits() {
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
  }
  bool at_end() const { return pos_ == text_.size(); }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// The zone suffix ("Z" or "±HH:MM") as seconds east of UTC.
std::optional<std::int64_t> parse_offset(Cursor& in) {
  if (in.one_of("Zz")) return 0;
  const char sign = in.peek();
  int hours = 0, minutes = 0;
  if (!in.one_of("+-") || !in.digits(2, hours) || !in.literal(':') || !in.digits(2, minutes)) return {};
  if (hours > 23 || minutes > 59) return {};
  const std::int64_t seconds = hours * 3600 + minutes * 60;
  return sign == '-' ? -seconds : seconds;
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339(std::string_view text) {
  if (text.size() < kDateTimeLength) return {};
  Day day = 0;
  if (!parse_date(text.substr(0, 10), day)) return {};
  Cursor in(text.substr(10));
  int hour = 0, minute = 0, second = 0;
  if (!in.one_of("Tt ") || !in.digits(2, hour) || !in.literal(':') || !in.digits(2, minute) ||
      !in.literal(':') || !in.digits(2, second))
    return {};
  if (hour > 23 || minute > 59 || second > kLeapSecond) return {};
  if (second == kLeapSecond) second = kLeapSecond - 1;  // a leap second stays in its own minute
  if (in.literal('.')) {
    const char first = in.peek();
    if (first < '0' || first > '9') return {};
    in.skip_digits();
  }
  const std::optional<std::int64_t> offset = parse_offset(in);
  if (!offset || !in.at_end()) return {};
  return std::int64_t{day} * kSecondsPerDay + hour * 3600 + minute * 60 + second - *offset;
}

}  // namespace preflight::billing
