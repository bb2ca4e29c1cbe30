#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace preflight {

// Small POSIX file writes for run folders; each throws std::runtime_error naming the path and the errno
// text on failure.

// Opens (creating if missing) for appending; returns the descriptor.
int open_for_append(const std::string& path);
// Writes every byte, retrying short writes and EINTR.
void write_all(int fd, std::string_view bytes, const std::string& path);
// Cuts the file at `length` bytes (drops a torn or orphaned tail).
void truncate_file(const std::string& path, std::uint64_t length);
// Replaces the file's content all at once (temporary file + rename), so a reader never sees half of it.
void replace_file(const std::string& path, std::string_view content);

}  // namespace preflight
