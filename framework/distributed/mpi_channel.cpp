#include "mpi_channel.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstring>
#include <string>
#include <thread>

#include "nnlab/error.hpp"

namespace nnlab {

namespace {

/// The first byte of a frame that ends the stream: no MessageKind has it.
constexpr unsigned char kEndOfStream = 0xff;

void check(int status, const char* what) {
  if (status == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(status, text, &length);
  throw Error(std::string(what) + ": " + std::string(text, static_cast<std::size_t>(length)));
}

}  // namespace

MpiChannel::MpiChannel(MPI_Comm comm, int peer, int tag) : comm_(comm), peer_(peer), tag_(tag) {}

void MpiChannel::send(const Message& message) {
  if (message.body.size() >= static_cast<std::size_t>(INT_MAX)) {
    throw Error("a " + std::string(message_kind_name(message.kind)) + " message of " +
                std::to_string(message.body.size()) +
                " bytes is too large for one MPI message (2 GiB)");
  }
  std::string frame(1, static_cast<char>(message.kind));
  frame += message.body;
  check(MPI_Send(frame.data(), static_cast<int>(frame.size()), MPI_BYTE, peer_, tag_, comm_),
        "sending a trial message over MPI");
}

void MpiChannel::close() {
  const char end = static_cast<char>(kEndOfStream);
  check(MPI_Send(&end, 1, MPI_BYTE, peer_, tag_, comm_), "ending an MPI trial stream");
}

std::optional<Message> MpiChannel::receive() {
  // Back off from 50 µs to 2 ms: a message waits at most 2 ms more than it would in a blocking
  // receive, against trials of seconds, and an idle slot costs no core.
  auto pause = std::chrono::microseconds(50);
  MPI_Message handle;
  MPI_Status status;
  for (;;) {
    int found = 0;
    check(MPI_Improbe(peer_, tag_, comm_, &found, &handle, &status),
          "waiting for a trial message over MPI");
    if (found) break;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(2000));
  }
  int size = 0;
  check(MPI_Get_count(&status, MPI_BYTE, &size), "sizing a trial message over MPI");
  std::string frame(static_cast<std::size_t>(size), '\0');
  check(MPI_Mrecv(frame.data(), size, MPI_BYTE, &handle, MPI_STATUS_IGNORE),
        "receiving a trial message over MPI");
  if (frame.empty()) throw Error("an empty MPI trial message from rank " + std::to_string(peer_));
  if (static_cast<unsigned char>(frame[0]) == kEndOfStream) return std::nullopt;
  Message message;
  message.kind = static_cast<MessageKind>(frame[0]);
  message.body = frame.substr(1);
  return message;
}

}  // namespace nnlab
