#include "message_channel.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "nnlab/error.hpp"

namespace nnlab {

MessageChannel::~MessageChannel() = default;

namespace {

/// The largest body accepted: a kept model of a big network fits, a corrupt size does not.
constexpr std::uint64_t kMaxBody = std::uint64_t{1} << 36;

/// Reads exactly `size` bytes; false on end of stream before the first byte and, mid-frame, an
/// Error (a worker that died while writing is caught by the caller through its exit status).
bool read_exactly(int fd, char* into, std::size_t size, bool frame_started) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::recv(fd, into + done, size - done, 0);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    // A reset connection is how a socket reports a peer that died with unread data: the same as
    // the end of the stream.
    if (n == 0 || errno == ECONNRESET) {
      if (done == 0 && !frame_started) return false;
      throw Error("a worker message ended after " + std::to_string(done) + " of " +
                  std::to_string(size) + " bytes");
    }
    throw Error(std::string("reading a worker message: ") + std::strerror(errno));
  }
  return true;
}

}  // namespace

SocketChannel::SocketChannel(int fd) : fd_(fd) {}

SocketChannel::~SocketChannel() {
  if (fd_ >= 0) ::close(fd_);
}

void SocketChannel::send(const Message& message) {
  std::string frame(1 + sizeof(std::uint64_t), '\0');
  frame[0] = static_cast<char>(message.kind);
  const auto size = static_cast<std::uint64_t>(message.body.size());
  std::memcpy(frame.data() + 1, &size, sizeof size);
  frame += message.body;
  std::size_t done = 0;
  while (done < frame.size()) {
    const ssize_t n = ::send(fd_, frame.data() + done, frame.size() - done, MSG_NOSIGNAL);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    throw Error(std::string("sending a ") + std::string(message_kind_name(message.kind)) +
                " message: " + std::strerror(errno));
  }
}

std::optional<Message> SocketChannel::receive() {
  char header[1 + sizeof(std::uint64_t)];
  if (!read_exactly(fd_, header, 1, false)) return std::nullopt;
  read_exactly(fd_, header + 1, sizeof(std::uint64_t), true);
  std::uint64_t size = 0;
  std::memcpy(&size, header + 1, sizeof size);
  if (size > kMaxBody) throw Error("a worker message claims " + std::to_string(size) + " bytes");
  Message message;
  message.kind = static_cast<MessageKind>(header[0]);
  message.body.resize(static_cast<std::size_t>(size));
  if (size > 0) read_exactly(fd_, message.body.data(), message.body.size(), true);
  return message;
}

bool SocketChannel::readable(int timeout_ms) const {
  pollfd p{fd_, POLLIN, 0};
  for (;;) {
    const int n = ::poll(&p, 1, timeout_ms);
    if (n >= 0) return n > 0;
    if (errno != EINTR) throw Error(std::string("waiting for a worker: ") + std::strerror(errno));
  }
}

std::pair<int, int> socket_pair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    throw Error(std::string("cannot connect a worker process: ") + std::strerror(errno));
  return {fds[0], fds[1]};
}

}  // namespace nnlab
