#pragma once
// The analyses as flat tables for `--format table|csv`: one line per JSON row, nested objects
// spread into columns (a_precision, a_prune, a_value, a_batch, ...). Numbers are written in the
// shortest form that reads back exactly, so the CSV carries the same figures as the JSON.
#include <span>

#include "analytics/box_stats.hpp"
#include "analytics/orthogonality.hpp"
#include "analytics/pareto.hpp"
#include "analytics/prediction_error.hpp"
#include "analytics/pruning_speedup.hpp"
#include "core/table.hpp"

namespace qtb::analytics {

Table pareto_table(std::span<const ParetoPoint> points);
Table box_table(std::span<const BoxStats> boxes);
Table orthogonality_table(std::span<const OrthogonalityRow> rows);
Table speedup_table(std::span<const SpeedupPoint> points);
// The per-platform summary only; the points are in the JSON form.
Table prediction_table(const PredictionError& error);

}  // namespace qtb::analytics
