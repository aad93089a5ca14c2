#pragma once
/// Where progress goes: on a terminal, one line redrawn in place (a progress bar); otherwise (a
/// log file, CI) plain lines, so a log reads top to bottom. Quiet prints nothing.
#include <string>

namespace nnlab {

class ProgressPrinter {
 public:
  /// @param quiet print nothing (-q)
  explicit ProgressPrinter(bool quiet);
  ~ProgressPrinter();

  /// Shows `line`: redrawn over the last one on a terminal. Off a terminal it is printed only if
  /// `milestone` (a finished trial, every tenth epoch), so logs stay short.
  void update(const std::string& line, bool milestone);
  /// A message on a line of its own (the progress line, if any, is redrawn after it).
  void message(const std::string& line);
  /// Ends the progress line, so what follows starts on a fresh line.
  void finish();

 private:
  bool quiet_;
  bool terminal_;
  std::string shown_;  ///< the line on screen (terminal only)
};

}  // namespace nnlab
