#pragma once
/// A worker process's side of a sweep in process isolation (`nnlab worker`, started by the
/// coordinator, never by hand): it reads a WorkerSetup, loads the plugins, attaches to the
/// coordinator's shared data, limits its own memory, then runs one TrialRunner per request and
/// streams each trial's evaluations and outcome back, until the coordinator closes the channel.
/// Whatever a trial does to this process (a segfault, abort(), exit()) ends only this process;
/// the coordinator reads the reason from its exit status.
#include "message_channel.hpp"
#include "trial_runner.hpp"

namespace nnlab {

/// Serves trials on `channel` until it closes. Returns the process's exit status: 0 when the
/// coordinator closed the channel, 1 when the setup failed (its reason was sent first) or the
/// channel broke.
int serve_trials(MessageChannel& channel);

/// One request's trial on `runner`: each evaluation is streamed on `channel` (and, when
/// `asks_prune`, the coordinator's answer awaited); returns the outcome to send back. The worker
/// processes' loop and an MPI rank's slots serve requests through it.
TrialOutcome serve_request(MessageChannel& channel, const TrialRunner& runner,
                           const Message& request, bool asks_prune);

/// Limits this process's address space (RLIMIT_AS) to what it maps now plus `bytes`, so a trial
/// may allocate about `bytes` beyond the worker's code and the shared data. Throws Error.
void limit_trial_memory(double bytes);

}  // namespace nnlab
