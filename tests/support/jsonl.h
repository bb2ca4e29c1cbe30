#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace preflight::testing {

// Every line of JSON Lines text, parsed; throws nlohmann::json::parse_error on a line that is not JSON.
std::vector<nlohmann::json> parse_jsonl(std::string_view text);
// The same for a file (a missing file reads as empty).
std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& path);

// Only the complete lines of a file (ending in '\n'): what a crash mid-write leaves behind is ignored.
std::vector<nlohmann::json> read_complete_jsonl(const std::filesystem::path& path);

// A file's bytes as text; empty when it is missing.
std::string read_text(const std::filesystem::path& path);

// Counts the complete lines of a file that another process appends to, reading only what was added since
// the last call, so it can be polled often.
class LineCounter final {
 public:
  explicit LineCounter(std::filesystem::path path) : path_(std::move(path)) {}
  std::uint64_t count();

 private:
  std::filesystem::path path_;
  std::uint64_t offset_ = 0;
  std::uint64_t lines_ = 0;
};

}  // namespace preflight::testing
