#pragma once

#include <atomic>

namespace preflight::cli {

// SIGINT and SIGTERM ask a running batch to stop (it flushes and leaves a resumable run folder) instead
// of killing the process. Installs the handlers; returns the flag they set.
const std::atomic<bool>& install_stop_signals();

// The signal that asked to stop (0 if none), for the exit status 128 + signal.
int stop_signal();

}  // namespace preflight::cli
