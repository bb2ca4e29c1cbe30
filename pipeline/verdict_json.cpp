#include "pipeline/verdict_json.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace preflight {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

template <typename T>
ordered_json optional_value(const std::optional<T>& value) {
  return value ? ordered_json(*value) : ordered_json(nullptr);
}

ordered_json timing_json(const StageTimings& timing) {
  ordered_json json = ordered_json::object();
  if (timing.fetch_us) json["fetch"] = *timing.fetch_us;
  if (!timing.fetch_attempts_us.empty()) json["fetch_attempts"] = timing.fetch_attempts_us;
  json["probe"] = timing.probe_us;
  json["decode"] = timing.decode_us;
  return json;
}

[[noreturn]] void bad_field(std::string_view field, std::string_view problem) {
  throw std::invalid_argument(fmt::format("verdict record: field \"{}\" {}", field, problem));
}

// The members of one JSON object, read by name, so that any member left unread can be reported.
class Fields {
 public:
  Fields(const json& object, std::string path) : object_(object), path_(std::move(path)) {}

  // A member that must be there (it may still be null if `parse` accepts null).
  template <typename Parse>
  auto required(std::string_view key, Parse parse) {
    const json* value = find(key);
    if (value == nullptr) bad_field(name(key), "is missing");
    return parse(*value, name(key));
  }

  // A member that must be there, either null or what `parse` reads.
  template <typename Parse>
  auto nullable(std::string_view key, Parse parse) {
    return required(key, [&](const json& value, std::string_view field) {
      return value.is_null() ? std::nullopt : std::optional(parse(value, field));
    });
  }

  // A member written only when it has a value: absent, or what `parse` reads.
  template <typename Parse>
  auto if_present(std::string_view key, Parse parse) {
    const json* value = find(key);
    return value == nullptr ? std::nullopt : std::optional(parse(*value, name(key)));
  }

  void reject_unknown() const {
    for (const auto& item : object_.items()) {
      if (std::find(read_.begin(), read_.end(), item.key()) == read_.end())
        bad_field(name(item.key()), "is not a verdict record field");
    }
  }

 private:
  const json* find(std::string_view key) {
    read_.push_back(key);
    const auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }

  std::string name(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  const json& object_;
  std::string path_;  // "timing_us" for its members
  std::vector<std::string_view> read_;
};

std::string string_field(const json& value, std::string_view field) {
  if (!value.is_string()) bad_field(field, "must be a string");
  return value.get<std::string>();
}

std::uint64_t u64_field(const json& value, std::string_view field) {
  if (!value.is_number_unsigned()) bad_field(field, "must be a non-negative integer");
  return value.get<std::uint64_t>();
}

std::uint32_t u32_field(const json& value, std::string_view field) {
  const std::uint64_t number = u64_field(value, field);
  if (number > std::numeric_limits<std::uint32_t>::max()) bad_field(field, "is out of range");
  return static_cast<std::uint32_t>(number);
}

bool bool_field(const json& value, std::string_view field) {
  if (!value.is_boolean()) bad_field(field, "must be true or false");
  return value.get<bool>();
}

template <typename Parse>
auto array_field(const json& value, std::string_view field, Parse parse) {
  if (!value.is_array()) bad_field(field, "must be an array");
  std::vector<std::invoke_result_t<Parse, const json&, std::string_view>> items;
  for (const json& item : value) items.push_back(parse(item, field));
  return items;
}

std::vector<std::string> strings_field(const json& value, std::string_view field) {
  return array_field(value, field, string_field);
}

std::vector<std::uint32_t> u32s_field(const json& value, std::string_view field) {
  return array_field(value, field, u32_field);
}

std::vector<std::uint64_t> u64s_field(const json& value, std::string_view field) {
  return array_field(value, field, u64_field);
}

// The value among `values` whose name is the field's string.
template <typename T, std::size_t N, typename Name>
T named_field(const json& value, std::string_view field, const T (&values)[N], Name name_of) {
  const std::string name = string_field(value, field);
  for (T candidate : values) {
    if (name_of(candidate) == name) return candidate;
  }
  bad_field(field, fmt::format("has unknown value \"{}\"", name));
}

constexpr InputMode kModes[] = {InputMode::Url, InputMode::Inline};
constexpr Outcome kOutcomes[] = {Outcome::Accepted, Outcome::Rejected, Outcome::Error};

InputMode mode_field(const json& value, std::string_view field) {
  return named_field(value, field, kModes, input_mode_name);
}

Outcome outcome_field(const json& value, std::string_view field) {
  return named_field(value, field, kOutcomes, outcome_name);
}

Format format_field(const json& value, std::string_view field) {
  const std::string name = string_field(value, field);
  if (auto format = format_from_name(name)) return *format;
  bad_field(field, fmt::format("has unknown value \"{}\"", name));
}

StageTimings timing_field(const json& value, std::string_view field) {
  if (!value.is_object()) bad_field(field, "must be an object");
  Fields fields(value, std::string(field));
  StageTimings timing;
  timing.fetch_us = fields.if_present("fetch", u64_field);
  timing.fetch_attempts_us =
      fields.if_present("fetch_attempts", u64s_field).value_or(std::vector<std::uint64_t>{});
  timing.probe_us = fields.required("probe", u64_field);
  timing.decode_us = fields.required("decode", u64_field);
  fields.reject_unknown();
  return timing;
}

json parse_object(std::string_view line) {
  json record;
  try {
    record = json::parse(line);
  } catch (const json::exception& error) {  // parse_error, or out_of_range for a number beyond a double
    throw std::invalid_argument(fmt::format("verdict record is not JSON: {}", error.what()));
  }
  if (!record.is_object()) throw std::invalid_argument("verdict record is not a JSON object");
  return record;
}

}  // namespace

std::string verdict_to_json_line(const Verdict& verdict) {
  ordered_json json;
  json["seq"] = verdict.seq;
  json["input"] = verdict.input;
  if (verdict.data_id) json["data_id"] = *verdict.data_id;
  json["mode"] = input_mode_name(verdict.mode);
  json["verdict"] = outcome_name(verdict.outcome);
  json["code"] = verdict.code;
  json["reason"] = optional_value(verdict.reason);
  if (verdict.message) json["message"] = *verdict.message;
  json["warnings"] = verdict.warnings;
  json["format"] = verdict.format ? ordered_json(format_name(*verdict.format)) : ordered_json(nullptr);
  json["width"] = optional_value(verdict.width);
  json["height"] = optional_value(verdict.height);
  json["frames_total"] = optional_value(verdict.frames_total);
  json["frames_sampled"] = optional_value(verdict.frames_sampled);
  json["bytes"] = optional_value(verdict.bytes);
  json["inline_ok"] = optional_value(verdict.inline_ok);
  json["sha256"] = optional_value(verdict.sha256);
  json["billable_units"] = verdict.billable_units;
  json["timing_us"] = timing_json(verdict.timing);
  // Input names come from file systems and URL lists: never let a stray byte abort serialisation.
  return json.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

Verdict verdict_from_json(std::string_view line) {
  const json record = parse_object(line);
  Fields fields(record, "");
  Verdict verdict;
  verdict.seq = fields.required("seq", u64_field);
  verdict.input = fields.required("input", string_field);
  verdict.data_id = fields.if_present("data_id", string_field);
  verdict.mode = fields.required("mode", mode_field);
  verdict.outcome = fields.required("verdict", outcome_field);
  verdict.code = fields.required("code", string_field);
  verdict.reason = fields.nullable("reason", string_field);
  verdict.message = fields.if_present("message", string_field);
  verdict.warnings = fields.required("warnings", strings_field);
  verdict.format = fields.nullable("format", format_field);
  verdict.width = fields.nullable("width", u32_field);
  verdict.height = fields.nullable("height", u32_field);
  verdict.frames_total = fields.nullable("frames_total", u32_field);
  verdict.frames_sampled = fields.nullable("frames_sampled", u32s_field);
  verdict.bytes = fields.nullable("bytes", u64_field);
  verdict.inline_ok = fields.nullable("inline_ok", bool_field);
  verdict.sha256 = fields.nullable("sha256", string_field);
  verdict.billable_units = fields.required("billable_units", u32_field);
  verdict.timing = fields.required("timing_us", timing_field);
  fields.reject_unknown();
  return verdict;
}

std::string record_text(std::string_view text) {
  const std::string dumped = ordered_json(text).dump(-1, ' ', false, ordered_json::error_handler_t::replace);
  return json::parse(dumped).get<std::string>();
}

}  // namespace preflight
