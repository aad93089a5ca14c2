#include "pbt_member.hpp"

#include "nnlab/compute.hpp"

namespace nnlab {

TrainSummary train_member_interval(const ExperimentSpec& spec, const PreparedData& data,
                                   const PluginHost& host, std::string& state, std::int64_t until,
                                   const std::function<void(const EvalPoint&)>& on_eval,
                                   const std::function<void(Trainer&)>& at_end) {
  Trainer trainer(spec, data, host);
  if (!state.empty()) trainer.restore(state, "the member's state at the interval's start");
  trainer.pause_after(until);
  Compute compute = Compute::make();
  const TrainSummary summary = trainer.run(compute, [&](const EvalPoint& point) {
    if (on_eval) on_eval(point);
    return EvalAction::proceed;
  });
  if (summary.paused) {
    state = trainer.state();
  } else if (at_end) {
    at_end(trainer);
  }
  return summary;
}

}  // namespace nnlab
