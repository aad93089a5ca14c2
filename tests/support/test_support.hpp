#pragma once
// Helpers shared by the tests: the built-in plugins, temporary folders, experiment snippets.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>

#include "experiment.hpp"
#include "plugin_host.hpp"

namespace nnlab::test {

/// A host with the built-in plugins loaded, shared by a test binary (loading is the slow part).
inline const PluginHost& builtin_host() {
  static const std::unique_ptr<PluginHost> host = [] {
    auto h = std::make_unique<PluginHost>();
    h->load_search_path({PluginHost::builtin_plugin_dir()});
    return h;
  }();
  return *host;
}

/// A fresh, empty folder under the system temp dir, removed at destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("nnlab-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(file(name)) << text;
    return file(name);
  }

 private:
  std::filesystem::path path_;
};

/// A whole file as text (empty when it cannot be read).
inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// A small, fast experiment on the synthetic dataset; `extra` is appended verbatim.
inline std::string synthetic_experiment(const std::string& name = "tiny",
                                        const std::string& extra = "") {
  return "name: " + name +
         "\n"
         "seed: 3\n"
         "data: {kind: synthetic, classes: 3, features: 8, train: 120, test: 60}\n"
         "model:\n"
         "  layers:\n"
         "    - repeat: 2\n"
         "      body: [{kind: dense, units: 16}, {kind: relu}]\n"
         "    - {kind: dense, units: 3}\n"
         "  loss: {kind: softmax_cross_entropy}\n"
         "optimizer: {kind: sgd, lr: 0.1}\n"
         "train: {epochs: 5, batch_size: 20, eval: [train, test]}\n" +
         extra;
}

/// The message of the nnlab::Error that `fn` throws (fails the test if none is thrown).
template <class Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an nnlab::Error";
  return "";
}

}  // namespace nnlab::test
