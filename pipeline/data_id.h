#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "pipeline/reason.h"

namespace preflight {

inline constexpr std::size_t kMaxDataIdLength = 64;

// SPEC §9: a DataId is ASCII letters, digits and `_ - @ #`, at most 64 characters. Returns the rejection
// (Reason::InvalidDataId, naming the length or the first character at fault), or nullopt when valid.
std::optional<Rejection> check_data_id(std::string_view data_id);

}  // namespace preflight
