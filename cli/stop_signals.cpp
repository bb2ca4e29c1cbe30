#include "cli/stop_signals.h"

#include <csignal>

namespace preflight::cli {
namespace {

std::atomic<bool> stop_requested{false};  // lock-free: safe to set from a signal handler
volatile std::sig_atomic_t received_signal = 0;

extern "C" void on_stop_signal(int signal_number) {
  received_signal = signal_number;
  stop_requested.store(true);
}

}  // namespace

const std::atomic<bool>& install_stop_signals() {
  static_assert(std::atomic<bool>::is_always_lock_free);
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  for (const int signal_number : {SIGINT, SIGTERM}) sigaction(signal_number, &action, nullptr);
  return stop_requested;
}

int stop_signal() { return received_signal; }

}  // namespace preflight::cli
