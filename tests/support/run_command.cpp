#include "tests/support/run_command.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <stdexcept>

extern char** environ;

namespace preflight::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto kExitPoll = 5ms;

// Drains both pipes together so a child that fills one cannot deadlock against us reading the other.
void drain(int out_fd, int err_fd, std::string& out, std::string& err) {
  std::array<pollfd, 2> fds = {pollfd{out_fd, POLLIN, 0}, pollfd{err_fd, POLLIN, 0}};
  std::array<char, 65536> buffer{};
  int open_fds = 2;
  while (open_fds > 0) {
    if (::poll(fds.data(), fds.size(), -1) < 0) break;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t got = ::read(fds[i].fd, buffer.data(), buffer.size());
      if (got <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      (i == 0 ? out : err).append(buffer.data(), static_cast<std::size_t>(got));
    }
  }
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, bool feed_stdin) {
  int out_pipe[2], err_pipe[2];
  int in_pair[2] = {-1,
                    -1};  // a socket pair, so that writing after the child is gone is an error, not SIGPIPE
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  if (::pipe2(err_pipe, O_CLOEXEC) != 0 ||
      (feed_stdin && ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pair) != 0)) {
    for (const int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  if (feed_stdin) posix_spawn_file_actions_adddup2(&actions, in_pair[1], STDIN_FILENO);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const int spawned = ::posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (feed_stdin) {
    ::close(in_pair[1]);
    stdin_ = in_pair[0];
  }
  if (spawned != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    close_stdin();
    throw std::runtime_error("cannot start " + argv[0]);
  }
  drainer_ = std::thread([this, out = out_pipe[0], err = err_pipe[0]] { drain(out, err, out_, err_); });
}

ChildProcess::~ChildProcess() {
  close_stdin();
  if (!exited()) {
    ::kill(pid_, SIGKILL);
    wait();
  }
  if (drainer_.joinable()) drainer_.join();
}

void ChildProcess::signal(int signal_number) const {
  if (!reaped_) ::kill(pid_, signal_number);
}

bool ChildProcess::write_stdin(std::string_view text) const {
  while (!text.empty()) {
    const ssize_t sent = ::send(stdin_, text.data(), text.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

void ChildProcess::close_stdin() {
  if (stdin_ >= 0) ::close(stdin_);
  stdin_ = -1;
}

bool ChildProcess::exited() {
  if (reaped_) return true;
  struct rusage usage {};
  if (::wait4(pid_, &status_, WNOHANG, &usage) != pid_) return false;
  reaped_ = true;
  peak_rss_kb_ = usage.ru_maxrss;
  return true;
}

CommandResult ChildProcess::wait() {
  close_stdin();  // it could only be waiting for more
  if (!reaped_) {
    struct rusage usage {};
    while (::wait4(pid_, &status_, 0, &usage) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    peak_rss_kb_ = usage.ru_maxrss;
  }
  if (drainer_.joinable()) drainer_.join();  // the pipes close when the child is gone
  CommandResult result;
  result.exit_status = WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  result.out = out_;
  result.err = err_;
  result.peak_rss_kb = peak_rss_kb_;
  return result;
}

std::optional<CommandResult> ChildProcess::wait_for(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!exited()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      wait();
      return std::nullopt;
    }
    std::this_thread::sleep_for(kExitPoll);
  }
  return wait();
}

CommandResult run_command(const std::vector<std::string>& argv) { return ChildProcess(argv).wait(); }

std::string preflight_binary() { return PREFLIGHT_BINARY; }
std::string source_dir() { return PREFLIGHT_SOURCE_DIR; }

}  // namespace preflight::testing
