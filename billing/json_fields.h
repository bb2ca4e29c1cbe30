#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "billing/civil_date.h"
#include "billing/money.h"

namespace preflight::billing {

// Parses the JSON text of a data file (a plan, an account). Throws std::invalid_argument naming `source`
// (the file, or the caller's name for the text) and the line and column of a syntax error.
nlohmann::json parse_json_text(std::string_view kind, std::string_view text, std::string_view source);

// The whole text of a data file; throws std::invalid_argument naming the file when it cannot be read.
std::string read_text_file(std::string_view kind, const std::filesystem::path& path);

// One JSON object of a data file, read field by field with a schema in mind. Every error is a
// std::invalid_argument that names the file and the field's path ("plan x.json: services[\"ims\"].tiers[0]
// .price: must be …, got …").
class JsonFields {
 public:
  // `kind` is "plan" or "account"; `path` is the object's own field path ("" for the document).
  JsonFields(const nlohmann::json& value, std::string_view kind, std::string file, std::string path);

  // Unknown (e.g. misspelt) fields are errors.
  void allow_only(std::initializer_list<std::string_view> fields) const;
  bool has(std::string_view field) const;

  std::string string(std::string_view field) const;
  std::uint64_t positive_integer(std::string_view field) const;
  std::optional<std::uint64_t> optional_positive_integer(std::string_view field) const;
  std::uint64_t non_negative_integer(std::string_view field, std::uint64_t absent) const;
  bool boolean(std::string_view field, bool absent) const;
  Money money(std::string_view field, Currency currency) const;  // a decimal string: "0.0032"
  Day date(std::string_view field) const;                        // "YYYY-MM-DD"
  // One of `choices`, e.g. "day" or "month".
  std::string choice(std::string_view field, std::initializer_list<std::string_view> choices) const;
  std::vector<std::string> strings(std::string_view field) const;  // an array of non-empty strings
  JsonFields object(std::string_view field) const;
  // The elements of an array field (absent: none); `required` makes absence an error.
  std::vector<JsonFields> objects(std::string_view field, bool required) const;
  // The members of an object whose keys are names (e.g. services), each read as an object.
  std::vector<std::pair<std::string, JsonFields>> named_objects(std::string_view field) const;

  std::string path_of(std::string_view field) const;
  [[noreturn]] void fail(std::string_view field, std::string_view what) const;
  [[noreturn]] void fail_here(std::string_view what) const;

 private:
  const nlohmann::json& at(std::string_view field) const;

  const nlohmann::json& value_;
  std::string kind_;
  std::string file_;
  std::string path_;
};

}  // namespace preflight::billing
