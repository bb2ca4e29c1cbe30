#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace preflight::billing {

// The names billable events and plans share (SPEC §8, `data.service`), as a small index.
using ServiceId = std::uint16_t;

std::span<const std::string_view> known_services();
std::optional<ServiceId> service_id(std::string_view name);
std::string_view service_name(ServiceId id);
// "ims, ims-aigc, tiia.label, …" for error messages.
std::string_view known_services_text();

}  // namespace preflight::billing
