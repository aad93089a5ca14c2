#pragma once
/// Stopping on SIGINT or SIGTERM: the signal only sets a flag; training checks it between two
/// updates and stops by throwing Interrupted, a sweep stops handing out trials and abandons the
/// running ones (they are not recorded, so --resume runs them again), and the CLI says how to
/// resume. A second signal of the same kind ends the process at once (the default action).
#include <csignal>

#include "nnlab/error.hpp"

namespace nnlab {

/// Training stopped because a stop was requested (Ctrl-C, SIGTERM).
class Interrupted : public Error {
 public:
  explicit Interrupted(int signal_number);
  ~Interrupted() override;
  int signal_number() const { return signal_number_; }

 private:
  int signal_number_;
};

/// The signal that requested a stop, or 0.
int stop_signal();
/// Throws Interrupted if a stop was requested.
void throw_if_stop_requested();

/// While alive, SIGINT and SIGTERM request a stop instead of ending the process (once: the
/// handler resets itself, so a second signal ends it). Restores the previous handlers when it
/// goes. The CLI holds one for `run` and `sweep`.
class StopOnSignals {
 public:
  StopOnSignals();
  ~StopOnSignals();
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

 private:
  struct sigaction previous_int_ {
  }, previous_term_{};
};

}  // namespace nnlab
