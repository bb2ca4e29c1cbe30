#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace preflight::testing {

// A TestServer in a forked child, so that a benchmark's CPU figures are the client's alone. Start it before
// the caller has threads. The child dies with its parent; the destructor stops it.
class ServerProcess final {
 public:
  // nullopt if the child could not be started or did not report its port.
  static std::optional<ServerProcess> start(std::uint64_t max_body_bytes,
                                            std::vector<std::vector<std::uint8_t>> files = {});
  ~ServerProcess();
  ServerProcess(ServerProcess&& other) noexcept;
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  ServerProcess& operator=(ServerProcess&&) = delete;

  const std::string& port() const { return port_; }

 private:
  ServerProcess(pid_t pid, std::string port) : pid_(pid), port_(std::move(port)) {}

  pid_t pid_;
  std::string port_;
};

}  // namespace preflight::testing
