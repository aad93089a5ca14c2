#pragma once
/// A timeline of a sweep's trials over slots: each trial a horizontal bar from its start to its
/// finish, coloured by state. trials.csv has no slot column, so the slots are recovered from the
/// times by greedy interval packing; the picture shows how busy the cores were.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sweep_plots.hpp"

namespace nnlab {

/// Seconds since the Unix epoch of an ISO 8601 UTC time as trials.csv writes it
/// (2026-11-26T04:10:00.123Z, the fraction optional); nullopt for anything else.
std::optional<double> parse_utc_seconds(const std::string& text);

/// The lane of each interval (start, end): in order of start, each takes the lowest lane free by
/// then (its last interval ended at or before this start). Uses the fewest lanes possible, so
/// with one trial per slot it recovers how many slots were busy at once.
std::vector<int> pack_lanes(const std::vector<std::pair<double, double>>& intervals);

/// The timeline figure, or a sentence when no trial has both times.
std::string trial_timeline_figure(const SweepData& sweep);

}  // namespace nnlab
