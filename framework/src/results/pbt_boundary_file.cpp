#include "results/pbt_boundary_file.hpp"

#include <cmath>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>

#include "nnlab/error.hpp"
#include "results/csv.hpp"

namespace nnlab {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string state_name(std::size_t member, std::int64_t interval) {
  return "member_" + std::to_string(member) + "." + std::to_string(interval) + ".state";
}

/// A number as JSON; NaN (a diverged evaluation) as null, which JSON has instead.
json number(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }
double number(const json& value) {
  return value.is_null() ? std::numeric_limits<double>::quiet_NaN() : value.get<double>();
}

json curve_json(const std::vector<EvalPoint>& curve) {
  json points = json::array();
  for (const EvalPoint& p : curve) {
    json metrics = json::array();  // pairs, in the evaluation's order
    for (const auto& [metric, value] : p.metrics) metrics.push_back({metric.name(), number(value)});
    points.push_back({{"epoch", p.epoch}, {"iteration", p.iteration}, {"metrics", metrics}});
  }
  return points;
}

std::vector<EvalPoint> curve_of(const json& points, const std::string& path) {
  std::vector<EvalPoint> curve;
  for (const json& p : points) {
    EvalPoint point;
    point.epoch = p.at("epoch").get<std::int64_t>();
    point.iteration = p.at("iteration").get<std::int64_t>();
    for (const json& m : p.at("metrics")) {
      const auto metric = parse_metric(m.at(0).get<std::string>());
      if (!metric) throw Error(path + ": unknown metric '" + m.at(0).get<std::string>() + "'");
      point.metrics.emplace_back(*metric, number(m.at(1)));
    }
    curve.push_back(std::move(point));
  }
  return curve;
}

}  // namespace

void write_pbt_boundary(const std::string& out_dir, const PbtBoundary& boundary) {
  const fs::path dir = fs::path(out_dir) / "pbt";
  fs::create_directories(dir);
  json members = json::array();
  for (std::size_t k = 0; k < boundary.members.size(); ++k) {
    const PbtMemberState& m = boundary.members[k];
    std::string state;
    if (!m.state.empty()) {
      state = state_name(k, boundary.interval);
      write_file_atomically((dir / state).string(), m.state);
    }
    members.push_back({{"assignment", m.assignment},
                       {"seed", m.seed},
                       {"state", state},
                       {"curve", curve_json(m.curve)},
                       {"updates", m.updates},
                       {"resolved_yaml", m.resolved_yaml},
                       {"finished", m.finished},
                       {"failed", m.failed},
                       {"fail_reason", m.fail_reason},
                       {"seconds", m.seconds},
                       {"started_at", m.started_at}});
  }
  const json file = {{"interval", boundary.interval}, {"members", members}};
  write_file_atomically((dir / "boundary.json").string(), file.dump(1) + "\n");
  // The earlier boundaries' states are no longer named by the commit.
  std::string current = ".";
  current += std::to_string(boundary.interval);
  current += ".state";
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".state") && !name.ends_with(current)) {
      std::error_code ignored;  // a file left behind costs disk, not correctness
      fs::remove(entry.path(), ignored);
    }
  }
}

std::optional<PbtBoundary> read_pbt_boundary(const std::string& out_dir) {
  const fs::path dir = fs::path(out_dir) / "pbt";
  const std::string path = (dir / "boundary.json").string();
  if (!fs::exists(path)) return std::nullopt;
  PbtBoundary boundary;
  try {
    const json file = json::parse(read_text(path));
    boundary.interval = file.at("interval").get<std::int64_t>();
    for (const json& m : file.at("members")) {
      PbtMemberState member;
      member.assignment = m.at("assignment").get<Assignment>();
      member.seed = m.at("seed").get<std::uint64_t>();
      const std::string state = m.at("state").get<std::string>();
      if (!state.empty()) {
        const std::string state_path = (dir / state).string();
        if (!fs::exists(state_path))
          throw Error(path + ": names " + state_path + ", which is missing");
        member.state = read_text(state_path);
      }
      member.curve = curve_of(m.at("curve"), path);
      member.updates = m.at("updates").get<std::int64_t>();
      member.resolved_yaml = m.at("resolved_yaml").get<std::string>();
      member.finished = m.at("finished").get<bool>();
      member.failed = m.at("failed").get<bool>();
      member.fail_reason = m.at("fail_reason").get<std::string>();
      member.seconds = m.at("seconds").get<double>();
      member.started_at = m.at("started_at").get<std::string>();
      boundary.members.push_back(std::move(member));
    }
  } catch (const json::exception& e) {
    throw Error(path + ": not a PBT boundary file nnlab wrote (" + std::string(e.what()) + ")");
  }
  return boundary;
}

}  // namespace nnlab
