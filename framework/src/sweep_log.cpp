#include "sweep_log.hpp"

#include <algorithm>
#include <filesystem>

#include "nnlab/error.hpp"
#include "nnlab/pareto.hpp"
#include "results/csv.hpp"
#include "results/safetensors.hpp"

namespace nnlab {

namespace fs = std::filesystem;

TrialResult result_of(const TrialRecord& record, const Assignment& assignment) {
  return {record.trial, assignment, record.state,
          record.objectives.empty() ? record.objective.value_or(0) : record.objectives.front(),
          record.objectives};
}

namespace {
std::string pareto_file(const std::string& dir, std::int64_t trial,
                        const char* extension = ".yaml") {
  return (fs::path(dir) / ("trial_" + std::to_string(trial) + extension)).string();
}
}  // namespace

SweepLog::SweepLog(const ExperimentSpec& spec, std::string out_dir, EarlierSweep earlier,
                   bool retry_failed)
    : spec_(spec), search_(*spec.search), out_dir_(std::move(out_dir)) {
  for (const auto& p : search_.space.parameters) parameters_.push_back(p.name);
  for (const auto& o : search_.objectives) {
    objectives_.push_back(o.measure.name());
    directions_.push_back(o.maximize ? Direction::maximize : Direction::minimize);
  }
  if (multi_objective()) counts_.pareto = 0;
  const fs::path dir(out_dir_);
  trials_path_ = (dir / "trials.csv").string();
  curves_path_ = (dir / "curves.csv").string();
  steps_path_ = (dir / "steps.csv").string();
  probe_path_ = (dir / "probe.csv").string();
  best_path_ = (dir / "best.yaml").string();
  best_model_path_ = (dir / "best.safetensors").string();
  models_dir_ = (dir / "models").string();
  sweep_path_ = (dir / "sweep.yaml").string();
  pareto_dir_ = (dir / "pareto").string();
  policy_path_ = (dir / "policy.yaml").string();
  std::error_code ec;
  if (fs::is_directory(out_dir_, ec)) lock_ = std::make_unique<FolderLock>(out_dir_);
  if (!fs::exists(trials_path_, ec)) return;
  if (earlier == EarlierSweep::refuse) {
    throw Error(out_dir_ +
                ": already holds a sweep (trials.csv); pass --resume to continue it, or "
                "--overwrite to start over");
  }
  if (earlier == EarlierSweep::overwrite) {
    for (const auto& f : {trials_path_, curves_path_, steps_path_, probe_path_, best_path_,
                          best_model_path_, policy_path_})
      fs::remove(f, ec);
    fs::remove_all(pareto_dir_, ec);
    fs::remove_all(models_dir_, ec);
    return;
  }
  resume_ = true;
  const std::string earlier_yaml = read_text(sweep_path_);
  // An edited sweep.yaml is read as the experiment it must be, so its errors name it and its line.
  parse_experiment(earlier_yaml, sweep_path_);
  auto differences = experiment_differences(earlier_yaml, spec_.resolved_yaml);
  // How many trials run at once, and where and under which limits, changes no result: a sweep
  // may resume on a bigger machine, or in worker processes with a larger memory limit.
  std::erase_if(differences, [](const std::string& d) {
    for (const char* key : {"execution.parallel_trials:", "execution.isolation:",
                            "execution.trial_memory:", "execution.trial_timeout:"})
      if (d.starts_with(key)) return true;
    return false;
  });
  if (!differences.empty()) {
    std::string message =
        "cannot resume: the experiment differs from the sweep in " + out_dir_ + ":";
    for (const auto& d : differences) message += " " + d + ";";
    message.back() = '.';
    throw Error(message + " Run it with --overwrite to start over, or --out another folder.");
  }
  // Read without repairing: nothing is written before open(), so a refused resume changes nothing.
  finished_ = read_trials(trials_path_, parameters_, false, objectives_);
  // curves.csv is rewritten on open() (unfinished trials' rows dropped): every row is checked
  // first, so a corrupt one is named, not carried into the resumed sweep.
  if (fs::exists(curves_path_, ec)) read_curves(curves_path_);
  for (const auto& r : finished_) {
    if (r.state == TrialState::failed && retry_failed) continue;
    earlier_[r.trial] = r;
  }
}

SweepLog::~SweepLog() = default;

std::optional<TrialResult> SweepLog::recorded(std::int64_t k, const Assignment& proposed,
                                              bool learns_from_results) {
  auto it = earlier_.find(k);
  if (it == earlier_.end()) return std::nullopt;
  const TrialRecord& r = it->second;
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    auto v = proposed.find(parameters_[i]);
    const std::string now = v == proposed.end() ? "" : v->second;
    if (now != r.values[i]) {
      throw Error(trials_path_ + ": trial " + std::to_string(k) + " has " + parameters_[i] +
                  " = '" + r.values[i] + "', but the strategy now proposes '" + now +
                  "'; the search changed, so the sweep cannot be resumed (use --overwrite)" +
                  (learns_from_results ? "; a strategy that learns from results proposes the same "
                                         "trials only at the parallel_trials the sweep started with"
                                       : ""));
    }
  }
  kept_.insert(k);
  return result_of(r, proposed);
}

void SweepLog::open(const std::function<std::string(std::int64_t)>& best_yaml) {
  std::error_code ec;
  fs::create_directories(out_dir_, ec);
  if (ec) throw Error(out_dir_ + ": cannot create the results folder: " + ec.message());
  if (!lock_) lock_ = std::make_unique<FolderLock>(out_dir_);
  write_file_atomically(sweep_path_, spec_.resolved_yaml);
  if (resume_) {
    // Cut a row a kill left half-written, then drop rows of trials that will run again.
    read_trials(trials_path_, parameters_, true, objectives_);
    keep_trial_rows(curves_path_, kept_);
    keep_trial_rows(steps_path_, kept_);
    keep_trial_rows(probe_path_, kept_);
    std::vector<TrialRecord> kept_rows;
    for (const auto& r : finished_) {
      if (kept_.count(r.trial)) kept_rows.push_back(r);
    }
    // --retry-failed: the failures' rows go; their reruns write new ones.
    if (kept_.size() != finished_.size()) rewrite_trials(kept_rows);
    for (const std::int64_t k : kept_) {
      count(earlier_.at(k));
      ++counts_.reused;
    }
    // best.yaml may be missing (a kill between a row and its best.yaml): rebuild it.
    if (counts_.best_trial >= 0) {
      const std::string yaml = best_yaml(counts_.best_trial);
      write_file_atomically(best_path_, yaml);
      // A kill between best.yaml and its model can leave the previous best's model: a model is
      // kept only with the experiment it was trained from. (A lost one is not retrained.)
      if (fs::exists(best_model_path_, ec) && !model_of(best_model_path_, yaml))
        fs::remove(best_model_path_, ec);
    }
    if (search_.top_policies > 0 && !multi_objective()) {
      for (const std::int64_t k : kept_) {
        const TrialRecord& r = earlier_.at(k);
        rank_policy(r, [&] { return best_yaml(k); });
      }
      if (top_policies_.empty())
        fs::remove(policy_path_, ec);
      else
        write_policy();
    }
    if (multi_objective()) {
      // The flags and pareto/ are checked anew: a kill may have come between a row and its file.
      rows_ = std::move(kept_rows);
      std::vector<fs::path> files;
      for (const auto& entry : fs::directory_iterator(pareto_dir_, ec))
        files.push_back(entry.path());
      for (const auto& file : files) {
        const std::string name = file.filename().string();
        if (!name.starts_with("trial_") ||
            !(name.ends_with(".yaml") || name.ends_with(".safetensors")))
          continue;
        const std::int64_t k = std::strtoll(name.c_str() + 6, nullptr, 10);
        // A trial that runs again writes its file again if it makes the front.
        if (kept_.count(k)) {
          if (name.ends_with(".yaml")) pareto_files_.insert(k);
        } else {
          fs::remove(file, ec);
        }
      }
      for (const auto& r : rows_) {
        if (r.pareto && !fs::exists(pareto_file(pareto_dir_, r.trial), ec))
          pareto_files_.erase(r.trial);  // written again below
      }
      update_pareto(nullptr, best_yaml, nullptr);
    }
  }
  if (search_.keep_models == KeepModels::all) {
    fs::create_directories(models_dir_, ec);
    if (ec) throw Error(models_dir_ + ": cannot create the models folder: " + ec.message());
  }
  if (multi_objective()) {
    fs::create_directories(pareto_dir_, ec);
    if (ec) throw Error(pareto_dir_ + ": cannot create the Pareto folder: " + ec.message());
  }
  trials_ = std::make_unique<TrialsWriter>(trials_path_, parameters_, objectives_);
  curves_ = std::make_unique<CurvesWriter>(curves_path_, true);
  if (spec_.train.log_every > 0) steps_ = std::make_unique<StepsWriter>(steps_path_, true);
  if (spec_.probe) probes_ = std::make_unique<ProbeWriter>(probe_path_, true);
}

void SweepLog::record(const TrialOutcome& out, const Assignment& assignment, std::uint64_t seed,
                      int threads) {
  TrialRecord r;
  r.trial = out.trial;
  r.state = out.state;
  r.fail_reason = out.fail_reason;
  r.seed = seed;
  for (const auto& name : parameters_) {
    auto it = assignment.find(name);
    r.values.push_back(it == assignment.end() ? "" : it->second);
  }
  r.objective = out.objective;
  r.objectives = out.objectives;
  r.best_epoch = out.best_epoch;
  r.last_epoch = out.last_epoch;
  r.updates = out.updates;
  r.duration_s = out.duration_s;
  r.started_at = out.started_at;
  r.finished_at = out.finished_at;
  r.threads = threads;
  if (!out.resolved_yaml.empty()) r.config_hash = config_hash(out.resolved_yaml);
  if (!out.curve.empty()) curves_->write(r.trial, out.curve);
  if (steps_ && !out.steps.empty()) steps_->write(r.trial, out.steps);
  if (probes_ && !out.probes.empty()) probes_->write(r.trial, out.probes);
  // The trained model, when the search keeps models and the trial completed.
  const std::string* model =
      out.model.empty() || r.state != TrialState::complete ? nullptr : &out.model;
  if (model && search_.keep_models == KeepModels::all)
    write_file_atomically(pareto_file(models_dir_, r.trial, ".safetensors"), *model);
  const bool keep_best = search_.keep_models == KeepModels::best;
  if (multi_objective()) {
    update_pareto(
        &r, [&](std::int64_t) { return out.resolved_yaml; }, keep_best ? model : nullptr);
    count(r);
  } else {
    trials_->append(r);
    const std::int64_t best_before = counts_.best_trial;
    count(r);
    if (counts_.best_trial != best_before) {
      write_file_atomically(best_path_, out.resolved_yaml);
      if (keep_best && model) write_file_atomically(best_model_path_, *model);
    }
    if (search_.top_policies > 0 && rank_policy(r, [&] { return out.resolved_yaml; }))
      write_policy();
  }
  session_seconds_ += out.duration_s;
  ++session_trials_;
}

void SweepLog::count(const TrialRecord& r) {
  switch (r.state) {
    case TrialState::complete:
      ++counts_.complete;
      break;
    case TrialState::pruned:
      ++counts_.pruned;
      break;
    case TrialState::failed:
      ++counts_.failed;
      break;
  }
  if (multi_objective()) return;  // counts_.pareto is update_pareto's
  if (r.state == TrialState::complete && r.objective &&
      (counts_.best_trial < 0 || (search_.maximize ? *r.objective > counts_.best_objective
                                                   : *r.objective < counts_.best_objective))) {
    counts_.best_trial = r.trial;
    counts_.best_objective = *r.objective;
  }
}

bool SweepLog::rank_policy(const TrialRecord& r, const std::function<std::string()>& yaml) {
  if (r.state != TrialState::complete || !r.objective) return false;
  auto better = [&](const RankedPolicy& a, const RankedPolicy& b) {
    if (a.objective != b.objective)
      return search_.maximize ? a.objective > b.objective : a.objective < b.objective;
    return a.trial < b.trial;
  };
  RankedPolicy entry{*r.objective, r.trial, ""};
  const auto limit = static_cast<std::size_t>(search_.top_policies);
  if (top_policies_.size() == limit && !better(entry, top_policies_.back())) return false;
  entry.yaml = yaml();
  top_policies_.insert(std::upper_bound(top_policies_.begin(), top_policies_.end(), entry, better),
                       entry);
  if (top_policies_.size() > limit) top_policies_.pop_back();
  return true;
}

void SweepLog::write_policy() const {
  std::vector<std::string> yamls;
  std::string trials;
  for (const auto& p : top_policies_) {
    yamls.push_back(p.yaml);
    trials += (trials.empty() ? "" : ", ") + std::to_string(p.trial);
  }
  const std::string description =
      "the sub-policies of the best " + std::to_string(top_policies_.size()) + " policies (" +
      search_.metric.name() + ") of sweep " + spec_.name + ", trials " + trials + ", best first";
  write_file_atomically(
      policy_path_,
      with_concatenated_policies(yamls.front(), yamls, spec_.name + "_policy", description));
}

void SweepLog::rewrite_trials(const std::vector<TrialRecord>& rows) {
  std::error_code ec;
  const std::string temporary = trials_path_ + ".tmp";
  fs::remove(temporary, ec);
  {
    TrialsWriter rewritten(temporary, parameters_, objectives_);
    for (const auto& r : rows) rewritten.append(r);
  }
  fs::rename(temporary, trials_path_);
}

bool SweepLog::model_of(const std::string& path, const std::string& yaml) {
  try {
    const SafeTensors file = read_safetensors(path);
    auto it = file.metadata.find("experiment_hash");
    return it != file.metadata.end() && it->second == config_hash(yaml);
  } catch (const Error&) {
    return false;  // a cut or unreadable file is no model
  }
}

void SweepLog::update_pareto(const TrialRecord* added,
                             const std::function<std::string(std::int64_t)>& yaml,
                             const std::string* model) {
  bool earlier_changed = false;
  if (added) {
    // Only the new trial can change the front: it joins unless a trial on the front dominates
    // it, and then leaves off the ones it dominates. O(front) per trial, not O(trials^2).
    rows_.push_back(*added);
    TrialRecord& r = rows_.back();
    r.pareto = false;
    if (r.state == TrialState::complete && r.objectives.size() == directions_.size()) {
      const std::vector<double> point = minimized(r.objectives, directions_);
      bool dominated = false;
      for (std::size_t i = 0; i + 1 < rows_.size() && !dominated; ++i) {
        dominated =
            rows_[i].pareto && dominates(minimized(rows_[i].objectives, directions_), point);
      }
      r.pareto = !dominated;
      for (std::size_t i = 0; i + 1 < rows_.size() && r.pareto; ++i) {
        if (rows_[i].pareto && dominates(point, minimized(rows_[i].objectives, directions_))) {
          rows_[i].pareto = false;
          earlier_changed = true;
        }
      }
    }
  } else {
    earlier_changed = mark_pareto(rows_, directions_);
  }
  // An append keeps trials.csv a file of rows; only a trial that pushes an earlier one off the
  // front makes it rewrite a flag, and then the file is replaced whole (renamed, as best.yaml).
  if (earlier_changed || (!added && !trials_)) {
    trials_.reset();
    rewrite_trials(rows_);
    if (added) trials_ = std::make_unique<TrialsWriter>(trials_path_, parameters_, objectives_);
  } else if (added) {
    trials_->append(rows_.back());
  }
  std::error_code ec;
  fs::create_directories(pareto_dir_, ec);
  if (ec) throw Error(pareto_dir_ + ": cannot create the Pareto folder: " + ec.message());
  std::set<std::int64_t> front;
  for (const auto& r : rows_) {
    if (r.pareto) front.insert(r.trial);
  }
  for (const std::int64_t k : front) {
    if (pareto_files_.count(k)) continue;
    write_file_atomically(pareto_file(pareto_dir_, k), yaml(k));
    if (model && added && added->trial == k)
      write_file_atomically(pareto_file(pareto_dir_, k, ".safetensors"), *model);
  }
  for (const std::int64_t k : pareto_files_) {
    if (front.count(k)) continue;
    fs::remove(pareto_file(pareto_dir_, k), ec);
    fs::remove(pareto_file(pareto_dir_, k, ".safetensors"), ec);
  }
  pareto_files_ = front;
  counts_.pareto = static_cast<std::int64_t>(front.size());
}

std::optional<double> SweepLog::mean_trial_seconds() const {
  if (session_trials_ == 0) return std::nullopt;
  return session_seconds_ / static_cast<double>(session_trials_);
}

}  // namespace nnlab
