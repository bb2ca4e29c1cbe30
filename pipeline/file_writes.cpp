#include "pipeline/file_writes.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace preflight {
namespace {

[[noreturn]] void fail(const std::string& path, const char* action) {
  throw std::runtime_error(fmt::format("{}: cannot {}: {}", path, action, std::strerror(errno)));
}

}  // namespace

int open_for_append(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) fail(path, "open for writing");
  return fd;
}

void write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t wrote = ::write(fd, bytes.data(), bytes.size());
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote < 0) fail(path, "write");
    bytes.remove_prefix(static_cast<std::size_t>(wrote));
  }
}

void truncate_file(const std::string& path, std::uint64_t length) {
  if (::truncate(path.c_str(), static_cast<off_t>(length)) != 0 && errno != ENOENT) fail(path, "truncate");
}

void replace_file(const std::string& path, std::string_view content) {
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(temporary, "create");
  try {
    write_all(fd, content, temporary);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) fail(path, "replace");
}

}  // namespace preflight
