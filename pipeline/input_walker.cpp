#include "pipeline/input_walker.h"

#include <fmt/format.h>

#include <algorithm>
#include <system_error>

namespace preflight {
namespace {

namespace fs = std::filesystem;

InputEntry walk_error(const std::string& path, std::string reason, std::string message) {
  return InputEntry{path, std::move(reason), std::move(message)};
}

std::string join(const std::string& folder, const std::string& name) {
  return folder.ends_with('/') ? folder + name : folder + "/" + name;
}

}  // namespace

InputWalker::InputWalker(std::vector<std::string> roots) : roots_(std::move(roots)) {}

std::optional<InputEntry> InputWalker::next() {
  while (true) {
    if (stack_.empty()) {
      if (next_root_ == roots_.size()) return std::nullopt;
      if (auto entry = visit(roots_[next_root_++])) return entry;
      continue;
    }
    Folder& folder = stack_.back();
    if (folder.position == folder.entries.size()) {
      stack_.pop_back();
      continue;
    }
    const std::string path = join(folder.path, folder.entries[folder.position++]);
    if (auto entry = visit(path)) return entry;
  }
}

// A file (or anything not a folder) becomes an input; a folder is pushed and yields nothing itself
// unless it cannot be listed. A path whose status cannot be read (broken link, loop) is an input too:
// reading it produces the precise error for its record.
std::optional<InputEntry> InputWalker::visit(const std::string& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!error && fs::is_directory(status)) return enter_folder(path);
  return InputEntry{path, {}, {}};
}

std::optional<InputEntry> InputWalker::enter_folder(const std::string& path) {
  std::error_code error;
  const fs::path canonical = fs::canonical(path, error);
  if (error)
    return walk_error(path, "unreadable",
                      fmt::format("{}: cannot resolve folder: {}", path, error.message()));
  if (is_ancestor(canonical)) {
    return walk_error(
        path, "symlink_loop",
        fmt::format("{}: symbolic link loops back to {}; not walked again", path, canonical.string()));
  }
  std::vector<std::string> names;
  fs::directory_iterator it(path, error);
  for (; !error && it != fs::directory_iterator(); it.increment(error)) {
    names.push_back(it->path().filename().string());
  }
  if (error) {
    return walk_error(
        path, "unreadable",
        fmt::format("{}: cannot list folder: {} (check its permissions)", path, error.message()));
  }
  std::sort(names.begin(), names.end());
  stack_.push_back(Folder{path, std::move(names), 0, canonical});
  return std::nullopt;
}

bool InputWalker::is_ancestor(const fs::path& canonical) const {
  return std::any_of(stack_.begin(), stack_.end(),
                     [&](const Folder& folder) { return folder.canonical == canonical; });
}

}  // namespace preflight
