#include "tests/support/corpus_files.h"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "tests/support/run_command.h"

namespace preflight::testing {

std::filesystem::path corpus_dir() { return std::filesystem::path(source_dir()) / "corpus"; }

std::vector<std::filesystem::path> corpus_images() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus_dir())) {
    const auto name = entry.path().filename().string();
    if (entry.is_regular_file() && name != "expected.jsonl" && name != "README.md")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace preflight::testing
