#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "pipeline/billable_event.h"
#include "pipeline/verdict.h"

namespace preflight {

// `--dedupe`: remembers the content of every billed image of a batch, so identical content seen again is
// not billed again. 24 bytes of key and value per distinct image (plus the hash table's overhead).
class DuplicateContent final {
 public:
  // The seq of the earlier input with this content, or nullopt (and remembers `seq`) if it is new.
  std::optional<std::uint64_t> find_or_add(std::string_view sha256_hex, std::uint64_t seq);

 private:
  using Key = std::array<std::uint8_t, 16>;  // the first 128 bits of the SHA-256
  struct KeyHash {
    std::size_t operator()(const Key& key) const;
  };
  std::unordered_map<Key, std::uint64_t, KeyHash> first_seq_;
};

// Settles what `verdict` bills: billable_units_for(verdict, unit), or nothing — with the warning
// `duplicate_of:<seq>` — when `seen` (--dedupe; null otherwise) already holds its content.
void settle_billing(Verdict& verdict, BillingUnit unit, DuplicateContent* seen);

// Removes a `duplicate_of:` warning a shard gave, so the batch as a whole can be settled again.
void clear_duplicate_warning(Verdict& verdict);

}  // namespace preflight
