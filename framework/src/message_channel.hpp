#pragma once
/// Transports for trial_messages.hpp's messages. MessageChannel is the seam: the worker's loop and
/// the coordinator's side of a worker talk through it, so an MPI transport can take the pipe's
/// place without either knowing. The encoding of what is sent is not the transport's business.
#include <optional>
#include <utility>

#include "trial_messages.hpp"

namespace nnlab {

class MessageChannel {
 public:
  virtual ~MessageChannel();
  /// Sends one message whole. Throws Error when the other end has gone.
  virtual void send(const Message& message) = 0;
  /// The next message, waiting for it; none when the other end has closed (or died).
  virtual std::optional<Message> receive() = 0;
};

/// One end of a connected Unix stream socket pair, the coordinator's to a worker process or the
/// worker's to its coordinator. A socket rather than two pipes: one descriptor each way, and it
/// is written with MSG_NOSIGNAL, so a worker that died makes send() fail instead of raising
/// SIGPIPE in the coordinator (library code leaves the process's signal dispositions alone).
/// Frames are [kind: 1 byte][body size: 8 bytes][body].
class SocketChannel : public MessageChannel {
 public:
  /// Takes ownership of `fd` (closed by the destructor).
  explicit SocketChannel(int fd);
  ~SocketChannel() override;
  SocketChannel(const SocketChannel&) = delete;
  SocketChannel& operator=(const SocketChannel&) = delete;

  void send(const Message& message) override;
  std::optional<Message> receive() override;

  /// Waits up to `timeout_ms` for something to read (or for the other end to close).
  bool readable(int timeout_ms) const;
  int fd() const { return fd_; }

 private:
  int fd_;
};

/// A connected pair of close-on-exec socket ends: {parent's, child's}. Throws Error.
std::pair<int, int> socket_pair();

}  // namespace nnlab
