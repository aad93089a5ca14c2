#pragma once
/// An advisory lock (flock) on a results folder, held for a run's or a sweep's life, so a second
/// nnlab writing to the same folder is refused before it writes anything, instead of interleaving
/// rows with the first. The lock goes with the process: a killed run leaves no stale lock.
#include <string>

namespace nnlab {

class FolderLock {
 public:
  /// Takes the lock of `dir` (which must exist), through the file `dir`/.nnlab.lock, and writes
  /// this process's id into that file. Throws Error naming the folder and the holder's process id
  /// when another process holds it.
  explicit FolderLock(const std::string& dir);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace nnlab
