#pragma once
// Running the `nnlab` executable from a test, the way a user does.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace nnlab::test {

/// A finished command: exit status, stdout and stderr.
struct CliOutcome {
  int status = -1;
  std::string out, err;
};

/// Runs `<program> <args>` (with `env` prepended) and collects its exit status, stdout and
/// stderr.
inline CliOutcome run_program(const std::string& program, const std::string& args,
                              const std::string& env = "") {
  TempDir logs;
  const std::string command =
      env + " " + program + " " + args + " >" + logs.file("out") + " 2>" + logs.file("err");
  const int raw = std::system(command.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(logs.file("out")), slurp(logs.file("err"))};
}

/// Runs `nnlab <args>` (with `env` prepended).
inline CliOutcome run_cli(const std::string& args, const std::string& env = "") {
  return run_program(NNLAB_CLI, args, env);
}

/// Starts `nnlab <args>` as a child process (stdout to /dev/null, stderr to `stderr_file`) and
/// returns its pid, for tests that signal or kill it while it works.
inline pid_t start_cli(const std::vector<std::string>& args,
                       const std::string& stderr_file = "/dev/null") {
  const pid_t child = fork();
  if (child != 0) return child;
  const int out = ::open("/dev/null", O_WRONLY);
  const int err = ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(out, STDOUT_FILENO);
  dup2(err, STDERR_FILENO);
  std::vector<char*> argv = {const_cast<char*>("nnlab")};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(NNLAB_CLI, argv.data());
  _exit(127);
}

/// Waits (up to 10 s) until the file at `path` holds `text`.
inline void wait_for_text(const std::string& path, const std::string& text) {
  for (int i = 0; i < 1000 && slurp(path).find(text) == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

/// Waits for `child` to end; its raw wait status.
inline int wait_status(pid_t child) {
  int status = 0;
  waitpid(child, &status, 0);
  return status;
}

}  // namespace nnlab::test
