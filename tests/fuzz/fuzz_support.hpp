#pragma once
// Shared by the fuzz targets: the built-in plugins, loaded once per process, and an in-memory file
// for readers that take a path.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "plugin_host.hpp"

namespace nnlab::fuzz {

/// nnlab's own plugins (layers, optimizers, datasets, ...), as the CLI finds them, without
/// NNLAB_PLUGIN_PATH or an experiment's `plugins:`: an input must never load code. Loaded once,
/// from LLVMFuzzerInitialize, so their coverage counters are known before fuzzing starts.
inline const PluginHost& builtin_plugins() {
  static const PluginHost* const host = [] {
    auto* loaded = new PluginHost;  // never destroyed: factories point into the plugins
    loaded->load_search_path({PluginHost::builtin_plugin_dir()});
    return loaded;
  }();
  return *host;
}

/// A file that lives in memory (memfd): readers open it by path, /proc/self/fd/N, so they run
/// unchanged, and an input costs no disk write.
class MemFile {
 public:
  MemFile() : fd_(memfd_create("nnlab-fuzz", 0)) {
    if (fd_ < 0) throw std::runtime_error("memfd_create failed");
  }
  ~MemFile() { close(fd_); }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;

  /// Replaces the contents with `size` bytes at `data`.
  void assign(const std::uint8_t* data, std::size_t size) {
    if (ftruncate(fd_, 0) != 0) throw std::runtime_error("ftruncate failed");
    std::size_t done = 0;
    while (done < size) {
      const ssize_t wrote = pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      if (wrote <= 0) throw std::runtime_error("pwrite failed");
      done += static_cast<std::size_t>(wrote);
    }
  }

  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

}  // namespace nnlab::fuzz
