#include "billing/service_names.h"

#include <array>

namespace preflight::billing {
namespace {

constexpr std::array<std::string_view, 18> kServices = {
    "ims",          "ims-aigc",    "tiia.label",     "tiia.product",   "tiia.celebrity",
    "tiia.vehicle", "tiia.porn",   "tiia.politics",  "tiia.terrorism", "tiia.crop",
    "tiia.quality", "face.detect", "face.landmarks", "face.compare",   "face.verify",
    "face.search",  "face.group",  "face.liveness"};

constexpr std::string_view kServicesText =
    "ims, ims-aigc, tiia.label, tiia.product, tiia.celebrity, tiia.vehicle, tiia.porn, tiia.politics, "
    "tiia.terrorism, tiia.crop, tiia.quality, face.detect, face.landmarks, face.compare, face.verify, "
    "face.search, face.group, face.liveness";

}  // namespace

std::span<const std::string_view> known_services() { return kServices; }

std::optional<ServiceId> service_id(std::string_view name) {
  for (std::size_t i = 0; i < kServices.size(); ++i)
    if (kServices[i] == name) return static_cast<ServiceId>(i);
  return std::nullopt;
}

std::string_view service_name(ServiceId id) { return id < kServices.size() ? kServices[id] : "?"; }

std::string_view known_services_text() { return kServicesText; }

}  // namespace preflight::billing
