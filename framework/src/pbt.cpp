#include "pbt.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "nnlab/text.hpp"

namespace nnlab {

namespace {

/// A uniform draw in [0, 1): Python's random.random(), which Ray's rules draw from.
double unit(Rng& rng) { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); }

/// A uniform index in [0, n): random.choice.
std::size_t index_below(std::size_t n, Rng& rng) {
  return static_cast<std::size_t>(
      std::uniform_int_distribution<std::uint64_t>(0, static_cast<std::uint64_t>(n) - 1)(rng));
}

/// `value` clipped to the parameter's bounds and put on its step's grid from `low`.
double in_range(const SearchParameter& p, double value) {
  value = std::clamp(value, p.low, p.high);
  if (p.step > 0) {
    value = p.low + std::round((value - p.low) / p.step) * p.step;
    if (value > p.high) value -= p.step;
  }
  return value;
}

std::string integer_text(double value) {
  return std::to_string(static_cast<std::int64_t>(std::llround(value)));
}

}  // namespace

bool is_pbt(const SearchSpec& search) { return search.strategy.kind == "pbt"; }

PbtSettings pbt_settings(const SearchSpec& search) {
  const Params& p = search.strategy.params;
  const SourceLocation& at = search.strategy.where;
  PbtSettings s;
  s.population = p.integer("population");
  if (s.population < 2)
    p.fail("population", "expected at least 2 members (one is exploited by another)");
  if (s.population > 10000) p.fail("population", "expected at most 10000 members");
  s.perturbation_interval = p.integer("perturbation_interval");
  if (s.perturbation_interval < 1)
    p.fail("perturbation_interval", "expected a positive number of epochs between boundaries");
  s.quantile_fraction = p.number("quantile_fraction", 0.25);
  if (!(s.quantile_fraction > 0 && s.quantile_fraction <= 0.5)) {
    p.fail("quantile_fraction",
           "expected a fraction in (0, 0.5]: the bottom and top quantiles cannot overlap");
  }
  s.resample_probability = p.number("resample_probability", 0.25);
  if (!(s.resample_probability >= 0 && s.resample_probability <= 1))
    p.fail("resample_probability", "expected a probability in [0, 1]");
  if (const ParamValue* factors = p.find("perturbation_factors")) {
    if (!factors->is_list || factors->items.empty())
      p.fail("perturbation_factors", "expected a non-empty list of positive factors");
    s.perturbation_factors.clear();
    for (const ParamValue& item : factors->items) {
      const auto f = parse_number(item.text);
      if (!f || !(*f > 0) || !std::isfinite(*f))
        p.fail("perturbation_factors", "expected positive numbers, got '" + item.text + "'");
      s.perturbation_factors.push_back(*f);
    }
  }
  p.reject_unread("pbt search");
  // What other searches read that pbt decides itself: refused, not silently ignored.
  if (search.trials != 0) {
    throw ConfigError(at, "search.trials",
                      "pbt trains search.population members (each one row of trials.csv); drop "
                      "trials");
  }
  if (search.repeats != 1) {
    throw ConfigError(
        at, "search.repeats",
        "pbt trains one model per member (an exploit copies one model); drop repeats");
  }
  if (search.seeds == TrialSeeds::common) {
    throw ConfigError(at, "search.seeds",
                      "pbt's members start from their own seeds (a population of copies would "
                      "explore nothing); drop seeds");
  }
  if (search.pruner) {
    throw ConfigError(search.pruner->where, "search.pruner",
                      "pbt replaces its bottom members itself; drop the pruner");
  }
  if (!search.objectives.empty()) {
    throw ConfigError(search.objectives.front().where, "search.objectives",
                      "pbt ranks members by one objective: give objective, not objectives");
  }
  for (const SearchParameter& param : search.space.parameters) {
    if (!param.when.empty()) {
      for (const SearchTarget& t : search.targets) {
        if (&search.space.parameters[t.parameter] != &param) continue;
        throw ConfigError(t.where, "search.space." + param.name,
                          "pbt explores every hyperparameter at every boundary: conditions "
                          "(when:) are not supported");
      }
    }
  }
  return s;
}

PbtQuantiles pbt_quantiles(const std::vector<std::optional<double>>& objectives, bool maximize,
                           double fraction) {
  std::vector<std::size_t> ranked;
  for (std::size_t m = 0; m < objectives.size(); ++m) {
    if (objectives[m]) ranked.push_back(m);
  }
  PbtQuantiles q;
  if (ranked.size() < 2) return q;
  // Worst first; a stable sort keeps member order among ties, as Python's sort does for Ray.
  std::stable_sort(ranked.begin(), ranked.end(), [&](std::size_t a, std::size_t b) {
    return maximize ? *objectives[a] < *objectives[b] : *objectives[a] > *objectives[b];
  });
  const double n = static_cast<double>(ranked.size());
  std::size_t size = static_cast<std::size_t>(std::ceil(n * fraction));
  if (static_cast<double>(size) > n / 2) size = ranked.size() / 2;
  q.bottom.assign(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(size));
  q.top.assign(ranked.end() - static_cast<std::ptrdiff_t>(size), ranked.end());
  return q;
}

std::string pbt_sample(const SearchParameter& p, Rng& rng) {
  switch (p.kind) {
    case SearchParameter::Kind::categorical:
      return p.choices[index_below(p.choices.size(), rng)];
    case SearchParameter::Kind::integer: {
      const auto steps = static_cast<std::size_t>(std::floor((p.high - p.low) / p.step)) + 1;
      return integer_text(p.low + static_cast<double>(index_below(steps, rng)) * p.step);
    }
    case SearchParameter::Kind::log_uniform: {
      const double u = unit(rng);
      return format_value(
          in_range(p, std::exp(std::log(p.low) + u * (std::log(p.high) - std::log(p.low)))));
    }
    case SearchParameter::Kind::uniform:
      break;
  }
  return format_value(in_range(p, p.low + unit(rng) * (p.high - p.low)));
}

Assignment pbt_explore(const SearchSpace& space, const Assignment& current,
                       const PbtSettings& settings, Rng& rng) {
  Assignment next = current;
  for (const SearchParameter& p : space.parameters) {
    auto it = current.find(p.name);
    const bool resample = unit(rng) < settings.resample_probability;
    if (resample || it == current.end()) {
      next[p.name] = pbt_sample(p, rng);
      continue;
    }
    if (p.kind == SearchParameter::Kind::categorical) {
      const auto at = std::find(p.choices.begin(), p.choices.end(), it->second);
      if (at == p.choices.end()) {
        next[p.name] = pbt_sample(p, rng);
        continue;
      }
      const auto index = static_cast<std::ptrdiff_t>(at - p.choices.begin());
      const std::ptrdiff_t shift = index_below(2, rng) == 0 ? -1 : 1;
      const auto last = static_cast<std::ptrdiff_t>(p.choices.size()) - 1;
      next[p.name] =
          p.choices[static_cast<std::size_t>(std::clamp(index + shift, std::ptrdiff_t{0}, last))];
      continue;
    }
    const double value = parse_number(it->second).value_or(p.low);
    if (p.kind == SearchParameter::Kind::integer) {
      const double shift = index_below(2, rng) == 0 ? -p.step : p.step;
      next[p.name] = integer_text(std::clamp(value + shift, p.low, p.high));
      continue;
    }
    const double factor =
        settings.perturbation_factors[index_below(settings.perturbation_factors.size(), rng)];
    next[p.name] = format_value(in_range(p, value * factor));
  }
  return next;
}

PbtDecision pbt_exploit_explore(const SearchSpace& space, const PbtSettings& settings,
                                const std::vector<std::optional<double>>& objectives,
                                const std::vector<Assignment>& current, bool maximize, Rng& rng) {
  PbtDecision d;
  d.source.resize(current.size());
  std::iota(d.source.begin(), d.source.end(), std::size_t{0});
  d.next = current;
  const PbtQuantiles q = pbt_quantiles(objectives, maximize, settings.quantile_fraction);
  for (const std::size_t member : q.bottom) {
    const std::size_t source = q.top[index_below(q.top.size(), rng)];
    d.source[member] = source;
    d.next[member] = pbt_explore(space, current[source], settings, rng);
  }
  return d;
}

}  // namespace nnlab
