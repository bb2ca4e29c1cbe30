#include "fetch/local_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace preflight {
namespace {

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

LocalFile failed(std::string reason, std::string message) {
  LocalFile file;
  file.error_reason = std::move(reason);
  file.error_message = std::move(message);
  return file;
}

LocalFile errno_failure(const std::string& path, const char* action, int error) {
  const char* hint = error == EACCES   ? " (check the file's permissions)"
                     : error == ELOOP  ? " (a symbolic link loop)"
                     : error == ENOENT ? " (a broken symbolic link, or the file was removed)"
                                       : "";
  return failed("unreadable", fmt::format("{}: cannot {}: {}{}", path, action, std::strerror(error), hint));
}

const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  return "not a regular file";
}

}  // namespace

LocalFile read_local_file(const std::string& path, std::uint64_t max_bytes) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then tells what it is.
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) return errno_failure(path, "open", errno);
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return errno_failure(path, "stat", errno);
  if (!S_ISREG(info.st_mode)) {
    return failed("not_a_regular_file",
                  fmt::format("{}: is {}, not an image file; pass regular files or folders", path,
                              file_kind(info.st_mode)));
  }
  LocalFile file;
  file.size = static_cast<std::uint64_t>(info.st_size);
  if (file.size > max_bytes) return file;
  file.bytes.resize(file.size);
  std::uint64_t done = 0;
  while (done < file.size) {
    const ssize_t got = ::read(fd.get(), file.bytes.data() + done, file.size - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return errno_failure(path, "read", errno);
    if (got == 0) break;  // the file shrank while we read it: judge what is there
    done += static_cast<std::uint64_t>(got);
  }
  file.bytes.resize(done);
  file.size = done;
  file.read = true;
  return file;
}

}  // namespace preflight
