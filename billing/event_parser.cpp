#include "billing/event_parser.h"

#include <fmt/format.h>

#include <optional>

#include "billing/json_scanner.h"
#include "billing/rfc3339.h"

namespace preflight::billing {
namespace {

constexpr std::size_t kMaxShownValue = 80;

std::string shown(std::string_view token) {
  return token.size() > kMaxShownValue ? std::string(token.substr(0, kMaxShownValue)) + "…"
                                       : std::string(token);
}

// The event fields found in a line; string fields point into the line or into the parser's buffers.
struct Captured {
  std::array<std::optional<std::string_view>, EventParser::kStringFields> strings;
  std::uint64_t units = 1;
  bool has_data = false;
};

constexpr std::array<std::string_view, EventParser::kStringFields> kFieldNames = {
    "specversion", "type", "id", "time", "data.service", "data.action"};

bool in_data(const JsonScanner::Path& path) {
  return path.depth == 2 && path.in_object && path.outer_key == "data";
}

// Routes the scanner's values at the top level and inside `data` to the captured fields.
class EventFields final : public JsonScanner::Visitor {
 public:
  EventFields(Captured& captured, std::array<std::string, EventParser::kStringFields>& unescaped)
      : captured_(captured), unescaped_(unescaped) {}

  std::string string_value(const Path& path, const JsonScanner::StringToken& token) override;
  std::string other_value(const Path& path, const JsonScanner::Token& token) override;

 private:
  std::optional<EventParser::Field> string_field(const Path& path) const;

  Captured& captured_;
  std::array<std::string, EventParser::kStringFields>& unescaped_;
};

std::optional<EventParser::Field> EventFields::string_field(const Path& path) const {
  if (path.depth == 1) {
    if (path.key == "specversion") return EventParser::kSpecVersion;
    if (path.key == "type") return EventParser::kType;
    if (path.key == "id") return EventParser::kId;
    if (path.key == "time") return EventParser::kTime;
  }
  if (in_data(path)) {
    if (path.key == "service") return EventParser::kService;
    if (path.key == "action") return EventParser::kAction;
  }
  return std::nullopt;
}

std::string EventFields::string_value(const Path& path, const JsonScanner::StringToken& token) {
  if (path.depth == 1 && path.key == "data")
    return fmt::format("field \"data\" must be a JSON object, got {}", shown(token.raw));
  if (in_data(path) && path.key == "units")
    return fmt::format("field \"data.units\" must be a positive integer, got {}", shown(token.raw));
  const std::optional<EventParser::Field> field = string_field(path);
  if (field) captured_.strings[*field] = token.value(unescaped_[*field]);
  return {};
}

std::string EventFields::other_value(const Path& path, const JsonScanner::Token& token) {
  if (path.depth == 1 && path.key == "data") {
    if (token.kind == JsonScanner::Kind::Object) {
      captured_.has_data = true;
      return {};
    }
    return fmt::format("field \"data\" must be a JSON object, got {}", shown(token.text));
  }
  if (in_data(path) && path.key == "units") {
    const std::optional<std::uint64_t> units = token.positive_integer();
    if (!units)
      return fmt::format("field \"data.units\" must be a positive integer, got {}", shown(token.text));
    captured_.units = *units;
    return {};
  }
  const std::optional<EventParser::Field> field = string_field(path);
  if (field)
    return fmt::format("field \"{}\" must be a string, got {}", kFieldNames[*field], shown(token.text));
  return {};
}

std::string check_envelope(const Captured& captured) {
  const auto& strings = captured.strings;
  if (strings[EventParser::kSpecVersion] != kCloudEventsSpecVersion)
    return fmt::format("field \"specversion\" must be \"{}\" (a CloudEvents 1.0 event)",
                       kCloudEventsSpecVersion);
  if (strings[EventParser::kType] != kBillableEventType)
    return fmt::format("field \"type\" must be \"{}\"", kBillableEventType);
  if (!strings[EventParser::kId] || strings[EventParser::kId]->empty())
    return "field \"id\" is missing or empty (it is the de-duplication key)";
  if (!captured.has_data) return "field \"data\" is missing";
  if (!strings[EventParser::kService] || strings[EventParser::kService]->empty())
    return "field \"data.service\" is missing or empty";
  if (!strings[EventParser::kTime]) return "field \"time\" is missing";
  return {};
}

}  // namespace

std::string EventParser::parse(std::string_view line, BillableEvent& event) {
  Captured captured;
  EventFields fields(captured, unescaped_);
  if (std::string problem = JsonScanner(line).scan(fields); !problem.empty()) return problem;
  if (std::string problem = check_envelope(captured); !problem.empty()) return problem;
  const std::string_view time = *captured.strings[kTime];
  const std::optional<std::int64_t> seconds = parse_rfc3339(time);
  if (!seconds) {
    return fmt::format(
        "field \"time\" must be an RFC 3339 timestamp like \"2026-11-23T08:00:00Z\", got \"{}\"",
        shown(time));
  }
  event = BillableEvent{*captured.strings[kId], *seconds, *captured.strings[kService], captured.units,
                        captured.strings[kAction].value_or(std::string_view{})};
  return {};
}

}  // namespace preflight::billing
