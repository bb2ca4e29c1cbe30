#include "tests/fetch/server_process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>

#include "tests/fetch/test_server.h"

namespace preflight::testing {

std::optional<ServerProcess> ServerProcess::start(std::uint64_t max_body_bytes,
                                                  std::vector<std::vector<std::uint8_t>> files) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return std::nullopt;
  const pid_t child = ::fork();
  if (child == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // a parent that dies early must not leave the server behind
    ::close(pipe_fds[0]);
    TestServer server(max_body_bytes, std::move(files));
    const std::string port = std::to_string(server.port()) + "\n";
    if (::write(pipe_fds[1], port.data(), port.size()) < 0) ::_exit(1);
    ::close(pipe_fds[1]);
    ::pause();  // until the parent stops us
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  char buffer[16] = {};
  const ssize_t got = child > 0 ? ::read(pipe_fds[0], buffer, sizeof buffer - 1) : -1;
  ::close(pipe_fds[0]);
  if (got <= 0) {
    if (child > 0) ServerProcess(child, {});  // stops it
    return std::nullopt;
  }
  return ServerProcess(child, std::string(buffer, static_cast<std::size_t>(got) - 1));
}

ServerProcess::ServerProcess(ServerProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), port_(std::move(other.port_)) {}

ServerProcess::~ServerProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  ::waitpid(pid_, nullptr, 0);
}

}  // namespace preflight::testing
