#include "interruption.hpp"

#include <atomic>
#include <cstring>
#include <string>

namespace nnlab {

namespace {
// Lock-free, so setting it from a signal handler is safe; read by every training thread.
std::atomic<int> requested_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void request_stop(int signal_number) {
  requested_signal.store(signal_number, std::memory_order_relaxed);
}
}  // namespace

Interrupted::Interrupted(int signal_number)
    : Error(std::string("interrupted by ") + (signal_number == SIGTERM ? "SIGTERM" : "SIGINT")),
      signal_number_(signal_number) {}

Interrupted::~Interrupted() = default;

int stop_signal() { return requested_signal.load(std::memory_order_relaxed); }

void throw_if_stop_requested() {
  if (const int s = stop_signal(); s != 0) throw Interrupted(s);
}

StopOnSignals::StopOnSignals() {
  struct sigaction action {};
  action.sa_handler = &request_stop;
  sigemptyset(&action.sa_mask);
  // SA_RESETHAND: the first signal requests a stop, a second one of the same kind ends the
  // process, for a user who does not want to wait for the running trials to be abandoned.
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, &previous_int_);
  sigaction(SIGTERM, &action, &previous_term_);
}

StopOnSignals::~StopOnSignals() {
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
}

}  // namespace nnlab
