#pragma once
/// A MessageChannel over Open MPI: the messages a sweep sends its worker processes
/// (trial_messages.hpp), between this rank and one peer rank, on one tag. Each trial slot of a rank
/// talks to rank 0 on its own tag, so the slots never take each other's messages. A message is one
/// MPI message of MPI_BYTE: [kind][body].
///
/// Receives poll with MPI_Improbe and a short back-off instead of blocking in MPI_Recv: Open MPI's
/// blocking receive busy-waits, and a rank's slots wait most of their time (rank 0's for trials on
/// other ranks, the others' for their next request), so each would spin a core its trials need.
/// Matched probes (MPI_Improbe, MPI_Mrecv) keep a receive whole when several threads use MPI at
/// once, which needs MPI_THREAD_MULTIPLE (MpiSession asks for it).
///
/// MPI has no end of stream: the coordinator ends a slot's stream with close(), which its peer's
/// receive() reports as the end, as a closed socket is.
#include <mpi.h>

#include <optional>

#include "message_channel.hpp"

namespace nnlab {

class MpiChannel : public MessageChannel {
 public:
  MpiChannel(MPI_Comm comm, int peer, int tag);

  /// Sends one message whole (a blocking send: it returns once the message is buffered or taken).
  /// Throws Error for a body of 2 GiB or more (MPI counts are ints) or an MPI error.
  void send(const Message& message) override;
  /// The next message from the peer on this tag, waiting for it; none after the peer's close().
  std::optional<Message> receive() override;
  /// Tells the peer this stream ends: its receive() returns none.
  void close();

  int peer() const { return peer_; }
  int tag() const { return tag_; }

 private:
  MPI_Comm comm_;
  int peer_, tag_;
};

}  // namespace nnlab
