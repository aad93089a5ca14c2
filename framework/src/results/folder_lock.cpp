#include "results/folder_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "nnlab/error.hpp"

namespace nnlab {

FolderLock::FolderLock(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / ".nnlab.lock").string();
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(path + ": cannot create the folder's lock: " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    // The holder wrote its process id into the file: name it, so the user knows whom to wait for.
    char holder[32] = "";
    const ssize_t got = ::pread(fd_, holder, sizeof holder - 1, 0);
    ::close(fd_);
    fd_ = -1;
    if (error == EWOULDBLOCK) {
      std::string pid(holder, got > 0 ? static_cast<std::size_t>(got) : 0);
      while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
      throw Error(dir + ": in use by another nnlab run or sweep" +
                  (pid.empty() ? std::string() : " (process " + pid + ")") +
                  "; wait for it to end, or give --out another folder");
    }
    throw Error(path + ": cannot lock: " + std::strerror(error));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  // Best effort: the lock itself is what counts; the id only makes the refusal clearer.
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(fd_, pid.data(), pid.size(), 0);
  }
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

}  // namespace nnlab
