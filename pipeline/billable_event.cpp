#include "pipeline/billable_event.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <charconv>

#include <nlohmann/json.hpp>

#include "pipeline/sha256.h"

namespace preflight {
namespace {

constexpr std::size_t kEventIdHexDigits = 32;  // 128 bits: no collision within any batch

}  // namespace

std::uint32_t billable_units_for(const Verdict& verdict, BillingUnit unit) {
  if (verdict.outcome != Outcome::Accepted) return 0;
  if (unit == BillingUnit::Image || !verdict.frames_sampled) return 1;
  return static_cast<std::uint32_t>(verdict.frames_sampled->size());
}

std::string billable_event_id(std::string_view service, std::string_view input, std::string_view sha256) {
  // NUL separators: no choice of input text can make two different triples hash the same bytes.
  std::string key;
  key.append(service).push_back('\0');
  key.append(input).push_back('\0');
  key.append(sha256);
  return sha256_hex(as_bytes(key)).substr(0, kEventIdHexDigits);
}

std::string utc_timestamp(std::chrono::system_clock::time_point time) {
  // fmt 9 formats a system_clock time point in local time; format the UTC calendar time instead.
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(time)));
}

std::vector<std::string> billable_event_lines(const Verdict& verdict, const EventOptions& options,
                                              std::string_view time) {
  std::vector<std::string> lines;
  if (verdict.billable_units == 0) return lines;
  const std::string sha256 = verdict.sha256.value_or("");
  for (const std::string& service : options.services) {
    nlohmann::ordered_json event;
    event["specversion"] = "1.0";
    event["type"] = "preflight.billable.v1";
    event["source"] = "preflight";
    event["id"] = billable_event_id(service, verdict.input, sha256);
    event["time"] = time;
    event["subject"] = verdict.input;
    event["data"] = {{"service", service},
                     {"units", verdict.billable_units},
                     {"frames_sampled", verdict.frames_sampled ? verdict.frames_sampled->size() : 0},
                     {"sha256", sha256},
                     {"bytes", verdict.bytes.value_or(0)},
                     {"profile", options.profile},
                     {"seq", verdict.seq}};
    lines.push_back(event.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  }
  return lines;
}

// data.seq is the last field of the line; inside a JSON string a quote is escaped, so `"seq":` can only be
// the key itself.
std::optional<std::uint64_t> billable_event_seq(std::string_view line) {
  constexpr std::string_view kKey = "\"seq\":";
  const std::size_t at = line.rfind(kKey);
  if (at == std::string_view::npos) return std::nullopt;
  const char* begin = line.data() + at + kKey.size();
  std::uint64_t seq = 0;
  const auto [end, error] = std::from_chars(begin, line.data() + line.size(), seq);
  if (error != std::errc() || end == begin) return std::nullopt;
  return seq;
}

}  // namespace preflight
