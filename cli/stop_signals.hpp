// SIGINT and SIGTERM for the long-running loops of `proviso run` (--follow, --from): while a
// StopSignals lives, they only set a flag that the loop looks at between events, so that it can
// commit what it holds before it stops.
#pragma once

#include <csignal>

namespace proviso::cli {

class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

/// The signal received while a StopSignals lives, or 0.
int stop_requested();

}  // namespace proviso::cli
