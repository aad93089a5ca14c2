#pragma once
// Running the `nnlab` executable from a test, the way a user does.
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

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

}  // namespace nnlab::test
