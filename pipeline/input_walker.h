#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace preflight {

// One input found on the command line or inside a folder. When the walk itself failed at this entry
// (a folder that cannot be listed, a symlink loop), `error_reason`/`error_message` say so and the input
// still gets a record.
struct InputEntry {
  std::string path;
  std::optional<std::string> error_reason;
  std::optional<std::string> error_message;
};

// Walks files and folders lazily, depth first, each folder's entries in sorted (byte-wise) order, so a
// million-file tree never sits in memory and the order is the same on every run. Symbolic links to
// folders are followed unless they lead back into a folder being walked.
class InputWalker {
 public:
  explicit InputWalker(std::vector<std::string> roots);

  // The next input, or nullopt when the walk is done.
  std::optional<InputEntry> next();

 private:
  struct Folder {
    std::string path;
    std::vector<std::string> entries;  // sorted names
    std::size_t position = 0;
    std::filesystem::path canonical;
  };

  std::optional<InputEntry> visit(const std::string& path);
  std::optional<InputEntry> enter_folder(const std::string& path);
  bool is_ancestor(const std::filesystem::path& canonical) const;

  std::vector<std::string> roots_;
  std::size_t next_root_ = 0;
  std::vector<Folder> stack_;
};

}  // namespace preflight
