#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace preflight {

// A local file's content, or why it could not be had.
struct LocalFile {
  std::uint64_t size = 0;
  std::vector<std::uint8_t> bytes;  // empty when the file was not read (error, or larger than max_bytes)
  bool read = false;                // bytes hold the whole file
  std::optional<std::string> error_reason;   // "unreadable", "not_a_regular_file", ...
  std::optional<std::string> error_message;  // with the path and what to do
};

// Opens `path`, checks it is a regular file and reads it whole with one read loop — unless it is larger
// than `max_bytes`, in which case only its size is reported (the size rules reject it unread).
LocalFile read_local_file(const std::string& path, std::uint64_t max_bytes);

}  // namespace preflight
