#include "worker_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "interruption.hpp"
#include "nnlab/text.hpp"
#include "results/trials_file.hpp"

extern char** environ;

namespace nnlab {

namespace {

using Clock = std::chrono::steady_clock;

/// The descriptor a worker finds its channel on (`nnlab worker --channel-fd 3`).
constexpr int kChannelFd = 3;
/// How often a waiting coordinator looks at the clock and at Ctrl-C.
constexpr int kTickMs = 50;

/// Spawns `argv` with `child_fd` as descriptor 3 and /dev/null as stdin. Throws Error.
pid_t spawn_worker(const std::vector<std::string>& argv, int child_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  posix_spawn_file_actions_adddup2(&actions, child_fd, kChannelFd);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  // Nothing else of the sweep's: a results file or another worker's socket held open by a worker
  // would outlive the sweep, or keep that worker's channel from closing when it dies.
  posix_spawn_file_actions_addclosefrom_np(&actions, kChannelFd + 1);
  // Its own process group, so a Ctrl-C at the terminal reaches the coordinator alone; default
  // dispositions and no blocked signals, whatever the spawning slot thread had.
  sigset_t defaults, none;
  sigemptyset(&defaults);
  for (int s : {SIGINT, SIGTERM, SIGPIPE, SIGSEGV, SIGABRT, SIGBUS, SIGFPE})
    sigaddset(&defaults, s);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int error = posix_spawn(&pid, args[0], &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0)
    throw Error("cannot start a worker process (" + argv[0] + "): " + std::strerror(error));
  return pid;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

std::string exit_reason(int wait_status) {
  if (WIFSIGNALED(wait_status)) {
    const int s = WTERMSIG(wait_status);
    const char* name = sigabbrev_np(s);
    return "signal " + std::to_string(s) + (name ? " (SIG" + std::string(name) + ")" : "");
  }
  if (WIFEXITED(wait_status)) return "exit " + std::to_string(WEXITSTATUS(wait_status));
  return "ended (wait status " + std::to_string(wait_status) + ")";
}

WorkerProcess::WorkerProcess(const std::vector<std::string>& command, const WorkerSetup& setup)
    : asks_prune_(setup.asks_prune) {
  const auto [parent_fd, child_fd] = socket_pair();
  channel_ = std::make_unique<SocketChannel>(parent_fd);
  std::vector<std::string> argv = command;
  argv.push_back("--channel-fd");
  argv.push_back(std::to_string(kChannelFd));
  try {
    pid_ = spawn_worker(argv, child_fd);
  } catch (...) {
    ::close(child_fd);
    throw;
  }
  ::close(child_fd);  // the worker's end is the worker's alone: its exit must close the channel
  std::optional<Message> reply;
  try {
    channel_->send({MessageKind::setup, encode(setup)});
    reply = channel_->receive();
  } catch (const Error&) {
    reply.reset();
  }
  if (reply && reply->kind == MessageKind::ready) return;
  const std::string why = reply && reply->kind == MessageKind::setup_failed
                              ? reply->body
                              : "it ended before it was ready: " + exit_reason(kill_and_reap());
  kill_and_reap();
  throw Error("a worker process could not set up: " + why);
}

WorkerProcess::~WorkerProcess() {
  if (alive()) kill_and_reap();
}

int WorkerProcess::kill_and_reap() {
  if (pid_ <= 0) return 0;
  ::kill(pid_, SIGKILL);
  return reap();
}

int WorkerProcess::reap() {
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return status;
}

TrialOutcome WorkerProcess::run(const TrialRequest& request, const PruneCheck& should_prune,
                                const TrialLimits& limits) {
  TrialOutcome out;
  out.trial = request.trial;
  out.started_at = utc_now();
  const auto start = Clock::now();
  bool out_of_memory = false;
  // The worker's end: a FAIL with `reason`, keeping the evaluations streamed so far.
  const auto failed = [&](std::string reason) {
    out.state = TrialState::failed;
    out.fail_reason = std::move(reason);
    if (!out.curve.empty()) out.updates = out.curve.back().iteration;
    out.duration_s = seconds_since(start);
    out.finished_at = utc_now();
    return out;
  };
  const auto memory_reason = [&] { return "memory limit " + limits.memory_text; };
  try {
    channel_->send({MessageKind::request, encode(request)});
    for (;;) {
      if (stop_signal() != 0) {
        kill_and_reap();
        out.abandoned = true;
        return out;
      }
      if (!channel_->readable(kTickMs)) {
        if (limits.timeout_s > 0 && seconds_since(start) >= limits.timeout_s) {
          kill_and_reap();
          return failed("timeout " + format_value(limits.timeout_s) + " s");
        }
        continue;
      }
      std::optional<Message> message = channel_->receive();
      if (!message) {
        const int status = reap();
        return failed(out_of_memory && !limits.memory_text.empty() ? memory_reason()
                                                                   : exit_reason(status));
      }
      switch (message->kind) {
        case MessageKind::evaluation: {
          const TrialEvaluation e = decode_evaluation(message->body);
          if (e.trial != request.trial) throw Error("a worker reported another trial's evaluation");
          out.curve.push_back(e.point);
          out.last_epoch = e.point.epoch;
          if (asks_prune_) {
            const bool stop = should_prune && should_prune(e.point, e.value);
            channel_->send({MessageKind::prune_answer, encode(PruneAnswer{stop})});
          }
          break;
        }
        case MessageKind::out_of_memory:
          out_of_memory = true;
          break;
        case MessageKind::outcome: {
          TrialOutcome done = decode_outcome(message->body);
          if (done.trial != request.trial) throw Error("a worker reported another trial's outcome");
          if (done.fail_reason == kOutOfMemory && !limits.memory_text.empty())
            done.fail_reason = memory_reason();
          return done;
        }
        default:
          throw Error("a worker sent an unexpected " +
                      std::string(message_kind_name(message->kind)) + " message");
      }
    }
  } catch (const std::exception& e) {
    // The channel broke (the worker died while writing) or carried nonsense: this worker is done
    // either way. Its exit status says more than the channel's error, when it has one.
    const bool was_alive = alive();
    const int status = kill_and_reap();
    if (out_of_memory && !limits.memory_text.empty()) return failed(memory_reason());
    return failed(was_alive && !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
                      ? exit_reason(status)
                      : std::string("worker: ") + e.what());
  }
}

}  // namespace nnlab
