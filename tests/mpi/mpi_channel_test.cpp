// The MPI transport of the sweep's trial messages, run as two ranks (ctest starts it under
// `mpiexec -np 2`): messages cross whole and in order, tags keep slots apart, several threads
// send and receive at once (MPI_THREAD_MULTIPLE), and close() is the peer's end of stream.
// Rank 1 serves; rank 0 runs the checks, so ctest shows rank 0's report (a failed rank fails
// mpiexec, and so the test).
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "mpi_channel.hpp"
#include "mpi_session.hpp"
#include "trial_messages.hpp"

namespace nnlab {
namespace {

constexpr int kThreads = 4;
constexpr int kEchoTag = 0;  ///< rank 1 echoes what it gets here, until the stream ends
constexpr int kFirstThreadTag = 10;

int rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

/// Rank 1: echoes every message on `tag` back to rank 0 until rank 0 closes the stream.
void echo(int tag) {
  MpiChannel channel(MPI_COMM_WORLD, 0, tag);
  while (auto message = channel.receive()) channel.send(*message);
}

TEST(MpiChannel, MessagesCrossWholeAndInOrderAndCloseEndsTheStream) {
  if (rank() == 1) {
    echo(kEchoTag);
    return;
  }
  MpiChannel channel(MPI_COMM_WORLD, 1, kEchoTag);
  TrialRequest request;
  request.trial = 41;
  request.assignment = {{"optimizer.lr", "0.01"}, {"model.layers[0].units", "100"}};
  request.seeds = {1, 2, 3};
  TrialOutcome outcome;
  outcome.trial = 41;
  outcome.objective = 0.8125;
  outcome.model = std::string(8 << 20, '\x7f');  // a kept model: megabytes in one message
  const std::vector<Message> sent = {{MessageKind::request, encode(request)},
                                     {MessageKind::outcome, encode(outcome)},
                                     {MessageKind::ready, ""}};
  for (const Message& m : sent) channel.send(m);
  for (const Message& m : sent) {
    const auto back = channel.receive();
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->kind, m.kind);
    EXPECT_EQ(back->body, m.body);
  }
  const TrialOutcome decoded = decode_outcome(sent[1].body);
  EXPECT_EQ(decoded.model.size(), outcome.model.size());
  channel.close();
}

TEST(MpiChannel, SlotsOnTheirOwnTagsAndThreadsNeverTakeEachOthersMessages) {
  if (rank() == 1) {
    std::vector<std::thread> slots;
    for (int t = 0; t < kThreads; ++t) slots.emplace_back(echo, kFirstThreadTag + t);
    for (auto& s : slots) s.join();
    return;
  }
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> slots;
  for (int t = 0; t < kThreads; ++t) {
    slots.emplace_back([t, &failures] {
      MpiChannel channel(MPI_COMM_WORLD, 1, kFirstThreadTag + t);
      for (int i = 0; i < 200; ++i) {
        const std::string body = std::to_string(t) + ":" + std::to_string(i);
        channel.send({MessageKind::evaluation, body});
        const auto back = channel.receive();
        if (!back || back->body != body) {
          failures[static_cast<std::size_t>(t)] = "slot " + std::to_string(t) + " sent " + body +
                                                  ", got " +
                                                  (back ? back->body : std::string("the end"));
          break;
        }
      }
      channel.close();
    });
  }
  for (auto& s : slots) s.join();
  for (const auto& f : failures) EXPECT_EQ(f, "");
}

}  // namespace
}  // namespace nnlab

int main(int argc, char** argv) {
  nnlab::MpiSession mpi(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  if (mpi.rank() != 0) {
    // Rank 1 serves the checks; its own report would only repeat rank 0's.
    ::testing::TestEventListeners& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const int failed = RUN_ALL_TESTS();
  MPI_Barrier(MPI_COMM_WORLD);
  return failed;
}
