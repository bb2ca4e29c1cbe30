#include "billing/json_fields.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace preflight::billing {
namespace {

using nlohmann::json;

// 1-based line and column of byte offset `byte` (nlohmann reports the offset just past the error).
std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t byte) {
  const std::size_t end = std::min(byte > 0 ? byte - 1 : 0, text.size());
  const auto begin = text.begin();
  const std::size_t line = 1 + static_cast<std::size_t>(std::count(begin, begin + end, '\n'));
  const std::size_t line_start = text.rfind('\n', end == 0 ? 0 : end - 1);
  const std::size_t column = line_start == std::string::npos || end == 0 ? end + 1 : end - line_start;
  return {line, column};
}

std::string member_path(const std::string& parent, std::string_view field) {
  return parent.empty() ? std::string(field) : fmt::format("{}.{}", parent, field);
}

}  // namespace

json parse_json_text(std::string_view kind, std::string_view text, std::string_view source) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& error) {
    const auto [line, column] = line_and_column(text, error.byte);
    throw std::invalid_argument(fmt::format("{} {}: line {}, column {}: not valid JSON ({})", kind, source,
                                            line, column, error.what()));
  } catch (const json::out_of_range& error) {  // a number beyond a double ("1e400") is not a parse_error
    throw std::invalid_argument(fmt::format("{} {}: not valid JSON ({})", kind, source, error.what()));
  }
}

std::string read_text_file(std::string_view kind, const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::invalid_argument(
        fmt::format("{} {}: cannot be read (check the name or path)", kind, path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

JsonFields::JsonFields(const json& value, std::string_view kind, std::string file, std::string path)
    : value_(value), kind_(kind), file_(std::move(file)), path_(std::move(path)) {
  if (!value_.is_object()) fail_here(fmt::format("must be a JSON object, got {}", value_.dump()));
}

std::string JsonFields::path_of(std::string_view field) const { return member_path(path_, field); }

void JsonFields::fail(std::string_view field, std::string_view what) const {
  throw std::invalid_argument(fmt::format("{} {}: {}: {}", kind_, file_, path_of(field), what));
}

void JsonFields::fail_here(std::string_view what) const {
  throw std::invalid_argument(
      fmt::format("{} {}: {}{}", kind_, file_, path_.empty() ? "" : path_ + ": ", what));
}

void JsonFields::allow_only(std::initializer_list<std::string_view> fields) const {
  for (const auto& [key, value] : value_.items()) {
    if (std::find(fields.begin(), fields.end(), key) == fields.end()) {
      fail(key, fmt::format("is not a known field (misspelt? allowed here: {})", fmt::join(fields, ", ")));
    }
  }
}

bool JsonFields::has(std::string_view field) const { return value_.contains(field); }

const json& JsonFields::at(std::string_view field) const {
  const auto found = value_.find(field);
  if (found == value_.end()) fail(field, "is missing");
  return *found;
}

std::string JsonFields::string(std::string_view field) const {
  const json& value = at(field);
  if (!value.is_string() || value.get_ref<const std::string&>().empty())
    fail(field, fmt::format("must be a non-empty string, got {}", value.dump()));
  return value.get<std::string>();
}

std::uint64_t JsonFields::positive_integer(std::string_view field) const {
  const json& value = at(field);
  if (!value.is_number_unsigned() || value.get<std::uint64_t>() == 0)
    fail(field, fmt::format("must be a positive integer, got {}", value.dump()));
  return value.get<std::uint64_t>();
}

std::optional<std::uint64_t> JsonFields::optional_positive_integer(std::string_view field) const {
  if (!has(field)) return std::nullopt;
  return positive_integer(field);
}

std::uint64_t JsonFields::non_negative_integer(std::string_view field, std::uint64_t absent) const {
  if (!has(field)) return absent;
  const json& value = at(field);
  if (!value.is_number_unsigned())
    fail(field, fmt::format("must be a non-negative integer, got {}", value.dump()));
  return value.get<std::uint64_t>();
}

bool JsonFields::boolean(std::string_view field, bool absent) const {
  if (!has(field)) return absent;
  const json& value = at(field);
  if (!value.is_boolean()) fail(field, fmt::format("must be true or false, got {}", value.dump()));
  return value.get<bool>();
}

Money JsonFields::money(std::string_view field, Currency currency) const {
  const json& value = at(field);
  if (!value.is_string()) {
    fail(field, fmt::format("must be a decimal string such as \"0.0032\" (quoted, so that no floating point "
                            "is involved), got {}",
                            value.dump()));
  }
  try {
    return Money::parse(value.get_ref<const std::string&>(), currency);
  } catch (const std::invalid_argument& error) {
    fail(field, error.what());
  }
}

Day JsonFields::date(std::string_view field) const {
  const json& value = at(field);
  Day day = 0;
  if (!value.is_string() || !parse_date(value.get_ref<const std::string&>(), day))
    fail(field, fmt::format("must be a date \"YYYY-MM-DD\", got {}", value.dump()));
  return day;
}

std::string JsonFields::choice(std::string_view field,
                               std::initializer_list<std::string_view> choices) const {
  const json& value = at(field);
  if (value.is_string() &&
      std::find(choices.begin(), choices.end(), value.get_ref<const std::string&>()) != choices.end())
    return value.get<std::string>();
  fail(field, fmt::format("must be one of \"{}\", got {}", fmt::join(choices, "\", \""), value.dump()));
}

std::vector<std::string> JsonFields::strings(std::string_view field) const {
  const json& value = at(field);
  const bool all_strings = value.is_array() && std::all_of(value.begin(), value.end(), [](const json& entry) {
                             return entry.is_string() && !entry.get_ref<const std::string&>().empty();
                           });
  if (!all_strings) fail(field, fmt::format("must be an array of non-empty strings, got {}", value.dump()));
  return value.get<std::vector<std::string>>();
}

JsonFields JsonFields::object(std::string_view field) const {
  return JsonFields(at(field), kind_, file_, path_of(field));
}

std::vector<JsonFields> JsonFields::objects(std::string_view field, bool required) const {
  if (!required && !has(field)) return {};
  const json& value = at(field);
  if (!value.is_array()) fail(field, fmt::format("must be an array, got {}", value.dump()));
  std::vector<JsonFields> elements;
  for (std::size_t i = 0; i < value.size(); ++i)
    elements.emplace_back(value[i], kind_, file_, fmt::format("{}[{}]", path_of(field), i));
  return elements;
}

std::vector<std::pair<std::string, JsonFields>> JsonFields::named_objects(std::string_view field) const {
  const json& value = at(field);
  if (!value.is_object() || value.empty())
    fail(field, fmt::format("must be a non-empty object keyed by name, got {}", value.dump()));
  std::vector<std::pair<std::string, JsonFields>> members;
  for (const auto& [key, member] : value.items())
    members.emplace_back(key,
                         JsonFields(member, kind_, file_, fmt::format("{}[\"{}\"]", path_of(field), key)));
  return members;
}

}  // namespace preflight::billing
