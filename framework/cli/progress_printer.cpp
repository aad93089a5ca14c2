#include "progress_printer.hpp"

#include <unistd.h>

#include <cstdio>

namespace nnlab {

ProgressPrinter::ProgressPrinter(bool quiet)
    : quiet_(quiet), terminal_(isatty(STDERR_FILENO) != 0) {}

ProgressPrinter::~ProgressPrinter() { finish(); }

void ProgressPrinter::update(const std::string& line, bool milestone) {
  if (quiet_) return;
  if (terminal_) {
    // Carriage return, the line, then clear what a longer earlier line left behind.
    std::fprintf(stderr, "\r%s\033[K", line.c_str());
    std::fflush(stderr);
    shown_ = line;
  } else if (milestone) {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

void ProgressPrinter::message(const std::string& line) {
  if (quiet_) return;
  if (terminal_ && !shown_.empty()) {
    std::fprintf(stderr, "\r%s\033[K\n%s", line.c_str(), shown_.c_str());
    std::fflush(stderr);
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

void ProgressPrinter::finish() {
  if (terminal_ && !shown_.empty()) std::fprintf(stderr, "\n");
  shown_.clear();
}

}  // namespace nnlab
