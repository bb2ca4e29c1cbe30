#include "pipeline/profile.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

namespace preflight {
namespace {

using nlohmann::json;

constexpr const char* kIntegerFields[] = {"min_bytes",
                                          "max_url_bytes",
                                          "max_inline_base64_bytes",
                                          "min_width",
                                          "min_height",
                                          "max_width",
                                          "max_height",
                                          "aspect_ratio_limit",
                                          "recommended_min_width",
                                          "recommended_min_height",
                                          "frame_interval",
                                          "max_frames"};

[[noreturn]] void fail(std::string_view source, const std::string& what) {
  throw ProfileError(fmt::format("profile {}: {}", source, what));
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path.string(), "cannot be read (check the name or path; shipped profiles live in profiles/)");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t line_of(std::string_view text, std::size_t byte) {
  return 1 + std::count(text.begin(), text.begin() + std::min(byte, text.size()), '\n');
}

json parse(std::string_view source, std::string_view text) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& error) {
    fail(source, fmt::format("line {}: not valid JSON ({})", line_of(text, error.byte), error.what()));
  } catch (const json::out_of_range& error) {  // a number beyond a double ("1e400") is not a parse_error
    fail(source, fmt::format("not valid JSON ({})", error.what()));
  }
}

std::uint64_t integer_field(std::string_view source, const json& doc, const char* field,
                            std::uint64_t max_value) {
  if (!doc.contains(field)) fail(source, fmt::format("field \"{}\" is missing", field));
  const json& value = doc.at(field);
  if (!value.is_number_unsigned()) {
    fail(source, fmt::format("field \"{}\" must be a non-negative integer, got {}", field, value.dump()));
  }
  const std::uint64_t number = value.get<std::uint64_t>();
  if (number > max_value)
    fail(source, fmt::format("field \"{}\" is {}, above the maximum {}", field, number, max_value));
  return number;
}

std::set<Format> format_field(std::string_view source, const json& doc) {
  if (!doc.contains("formats") || !doc.at("formats").is_array() || doc.at("formats").empty()) {
    fail(source, "field \"formats\" must be a non-empty array of format names");
  }
  std::set<Format> formats;
  for (const json& entry : doc.at("formats")) {
    const auto format = entry.is_string() ? format_from_name(entry.get<std::string>()) : std::nullopt;
    if (!format) {
      fail(source,
           fmt::format(
               "field \"formats\": {} is not a format (bmp ico jpeg jng png tiff raw svg gif webp heic avif)",
               entry.dump()));
    }
    formats.insert(*format);
  }
  return formats;
}

void check_consistency(std::string_view source, const Profile& profile) {
  if (profile.min_width > profile.max_width) fail(source, "field \"min_width\" exceeds \"max_width\"");
  if (profile.min_height > profile.max_height) fail(source, "field \"min_height\" exceeds \"max_height\"");
  if (profile.max_width == 0 || profile.max_height == 0)
    fail(source, "fields \"max_width\"/\"max_height\" must be > 0");
  if (profile.aspect_ratio_limit < 1) fail(source, "field \"aspect_ratio_limit\" must be >= 1");
  if (profile.max_frames < 1) fail(source, "field \"max_frames\" must be >= 1");
}

}  // namespace

Profile parse_profile(std::string_view text, std::string_view source) {
  const json doc = parse(source, text);
  if (!doc.is_object()) fail(source, "must be a JSON object");
  for (const auto& [key, value] : doc.items()) {
    const bool known =
        key == "name" || key == "description" || key == "formats" ||
        std::find(std::begin(kIntegerFields), std::end(kIntegerFields), key) != std::end(kIntegerFields);
    if (!known) fail(source, fmt::format("field \"{}\" is not a profile field (misspelt?)", key));
  }
  if (!doc.contains("name") || !doc.at("name").is_string() || doc.at("name").get<std::string>().empty()) {
    fail(source, "field \"name\" must be a non-empty string");
  }
  constexpr auto u32 = std::numeric_limits<std::uint32_t>::max();
  constexpr auto u64 = std::numeric_limits<std::uint64_t>::max();
  Profile profile;
  profile.name = doc.at("name").get<std::string>();
  profile.source = source;
  profile.min_bytes = integer_field(source, doc, "min_bytes", u64);
  profile.max_url_bytes = integer_field(source, doc, "max_url_bytes", u64);
  profile.max_inline_base64_bytes = integer_field(source, doc, "max_inline_base64_bytes", u64);
  profile.min_width = integer_field(source, doc, "min_width", u32);
  profile.min_height = integer_field(source, doc, "min_height", u32);
  profile.max_width = integer_field(source, doc, "max_width", u32);
  profile.max_height = integer_field(source, doc, "max_height", u32);
  profile.aspect_ratio_limit = integer_field(source, doc, "aspect_ratio_limit", u32);
  profile.recommended_min_width = integer_field(source, doc, "recommended_min_width", u32);
  profile.recommended_min_height = integer_field(source, doc, "recommended_min_height", u32);
  profile.frame_interval = integer_field(source, doc, "frame_interval", u32);
  profile.max_frames = integer_field(source, doc, "max_frames", u32);
  profile.formats = format_field(source, doc);
  check_consistency(source, profile);
  return profile;
}

Profile load_profile_file(const std::filesystem::path& path) {
  return parse_profile(read_text(path), path.string());
}

Profile load_profile(const std::string& name_or_path) {
  const bool is_path = name_or_path.find('/') != std::string::npos || name_or_path.ends_with(".json");
  if (is_path) return load_profile_file(name_or_path);
  const char* override_dir = std::getenv("PREFLIGHT_PROFILE_DIR");
  const std::filesystem::path dir = override_dir ? override_dir : PREFLIGHT_PROFILE_DIR;
  return load_profile_file(dir / (name_or_path + ".json"));
}

}  // namespace preflight
