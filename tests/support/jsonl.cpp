#include "tests/support/jsonl.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <iterator>

namespace preflight::testing {

std::vector<nlohmann::json> parse_jsonl(std::string_view text) {
  std::vector<nlohmann::json> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    lines.push_back(nlohmann::json::parse(text.substr(0, end)));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  return lines;
}

std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& path) {
  return parse_jsonl(read_text(path));
}

std::vector<nlohmann::json> read_complete_jsonl(const std::filesystem::path& path) {
  const std::string text = read_text(path);
  return parse_jsonl(std::string_view(text).substr(0, text.rfind('\n') + 1));
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

std::uint64_t LineCounter::count() {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return lines_;
  std::array<char, 65536> buffer{};
  ssize_t got = 0;
  while ((got = ::pread(fd, buffer.data(), buffer.size(), static_cast<off_t>(offset_))) > 0) {
    for (ssize_t i = 0; i < got; ++i) lines_ += buffer[static_cast<std::size_t>(i)] == '\n';
    offset_ += static_cast<std::uint64_t>(got);
  }
  ::close(fd);
  return lines_;
}

}  // namespace preflight::testing
