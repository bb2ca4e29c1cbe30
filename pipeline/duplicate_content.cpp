#include "pipeline/duplicate_content.h"

#include <fmt/format.h>

#include <cstring>

namespace preflight {
namespace {

std::uint8_t hex_value(char digit) {
  return static_cast<std::uint8_t>(digit <= '9' ? digit - '0' : (digit | 0x20) - 'a' + 10);
}

}  // namespace

std::size_t DuplicateContent::KeyHash::operator()(const Key& key) const {
  std::size_t hash = 0;  // the key is already a cryptographic hash: any 8 of its bytes will do
  std::memcpy(&hash, key.data(), sizeof hash);
  return hash;
}

std::optional<std::uint64_t> DuplicateContent::find_or_add(std::string_view sha256_hex, std::uint64_t seq) {
  Key key{};
  for (std::size_t i = 0; i < key.size() && 2 * i + 1 < sha256_hex.size(); ++i)
    key[i] = static_cast<std::uint8_t>(hex_value(sha256_hex[2 * i]) << 4 | hex_value(sha256_hex[2 * i + 1]));
  const auto [position, added] = first_seq_.try_emplace(key, seq);
  if (added) return std::nullopt;
  return position->second;
}

namespace {

constexpr std::string_view kDuplicateWarning = "duplicate_of:";

}  // namespace

void settle_billing(Verdict& verdict, BillingUnit unit, DuplicateContent* seen) {
  verdict.billable_units = billable_units_for(verdict, unit);
  if (!seen || verdict.billable_units == 0 || !verdict.sha256) return;
  if (const auto first = seen->find_or_add(*verdict.sha256, verdict.seq)) {
    verdict.warnings.push_back(fmt::format("{}{}", kDuplicateWarning, *first));
    verdict.billable_units = 0;
  }
}

void clear_duplicate_warning(Verdict& verdict) {
  std::erase_if(verdict.warnings,
                [](const std::string& warning) { return warning.starts_with(kDuplicateWarning); });
}

}  // namespace preflight
