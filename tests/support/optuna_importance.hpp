#pragma once
// Optuna's fANOVA importances for the same trials (Debian's python3-optuna and
// python3-sklearn, through tests/support/optuna_importance.py), for side-by-side checks.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli.hpp"
#include "nnlab/search_strategy.hpp"
#include "results/csv.hpp"
#include "results/trials_file.hpp"

namespace nnlab::test {

inline std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

/// The Python that has Optuna and scikit-learn, or "" when none has (the caller skips). Debian's
/// packages live in /usr/bin/python3's path; a python3 earlier on PATH (pyenv) may lack them.
inline std::string python_with_optuna() {
  static const std::string found = [] {
    for (const std::string python : {"/usr/bin/python3", "python3"}) {
      const auto r = run_program(python, "-c 'import optuna, sklearn'");
      if (r.status == 0) return python;
    }
    return std::string();
  }();
  return found;
}

/// (parameter, importance), most important first, from Optuna's get_param_importances on the
/// COMPLETE trials: with FanovaImportanceEvaluator(seed) averaged over seeds 0..seeds-1 (a forest
/// on a few dozen trials moves a share by ±0.04 from seed to seed), or with `ped_anova` its
/// PedAnovaImportanceEvaluator(). `assess`: get_param_importances' `params` (empty: None, the
/// parameters active in every trial). nullopt when Optuna (or its PED-ANOVA) is unavailable.
inline std::optional<std::vector<std::pair<std::string, double>>> optuna_importances(
    const SearchSpace& space, const std::vector<TrialRecord>& trials, bool maximize, int seeds = 1,
    bool ped_anova = false, const std::vector<std::string>& assess = {}) {
  const std::string python = python_with_optuna();
  if (python.empty()) return std::nullopt;
  std::ostringstream json;
  json.precision(17);
  json << "{\"direction\": \"" << (maximize ? "maximize" : "minimize") << "\", \"method\": \""
       << (ped_anova ? "ped-anova" : "fanova") << "\", \"seeds\": [";
  for (int seed = 0; seed < seeds; ++seed) json << (seed ? ", " : "") << seed;
  json << "], \"assess\": ";
  if (assess.empty()) {
    json << "null";
  } else {
    json << "[";
    for (std::size_t i = 0; i < assess.size(); ++i)
      json << (i ? ", " : "") << json_string(assess[i]);
    json << "]";
  }
  json << ", \"params\": [";
  const char* kinds[] = {"uniform", "log_uniform", "integer", "categorical"};
  for (std::size_t i = 0; i < space.parameters.size(); ++i) {
    const auto& p = space.parameters[i];
    json << (i ? ", " : "") << "{\"name\": " << json_string(p.name) << ", \"kind\": \""
         << kinds[static_cast<int>(p.kind)] << "\", \"low\": " << p.low << ", \"high\": " << p.high
         << ", \"step\": " << p.step << ", \"choices\": [";
    for (std::size_t k = 0; k < p.choices.size(); ++k)
      json << (k ? ", " : "") << json_string(p.choices[k]);
    json << "]}";
  }
  json << "], \"trials\": [";
  // In trial order, as nnlab's importance reads them: the forests' bootstrap draws by row.
  std::vector<const TrialRecord*> ordered;
  for (const auto& t : trials) ordered.push_back(&t);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const TrialRecord* a, const TrialRecord* b) { return a->trial < b->trial; });
  bool first = true;
  for (const TrialRecord* row : ordered) {
    const TrialRecord& t = *row;
    if (t.state != TrialState::complete || !t.objective) continue;
    json << (first ? "" : ", ") << "{\"objective\": " << *t.objective << ", \"values\": {";
    first = false;
    bool first_value = true;
    for (std::size_t i = 0; i < space.parameters.size(); ++i) {
      if (t.values[i].empty()) continue;
      json << (first_value ? "" : ", ") << json_string(space.parameters[i].name) << ": "
           << json_string(t.values[i]);
      first_value = false;
    }
    json << "}}";
  }
  json << "]}";
  TempDir dir;
  const std::string file = dir.write("trials.json", json.str());
  const auto r = run_program(
      python, std::string(NNLAB_SOURCE_DIR) + "/tests/support/optuna_importance.py " + file);
  if (r.status == 3 || r.status == 4) return std::nullopt;
  EXPECT_EQ(r.status, 0) << r.err;
  std::vector<std::pair<std::string, double>> importances;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    importances.emplace_back(line.substr(0, tab), std::stod(line.substr(tab + 1)));
  }
  return importances;
}

}  // namespace nnlab::test
