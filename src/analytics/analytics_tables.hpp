#pragma once
// The analyses as flat tables for `--format table|csv`: one line per JSON row, nested objects
// spread into columns (a_precision, a_prune, a_value, a_point, ...).
#include <span>

#include "analytics/box_stats.hpp"
#include "analytics/orthogonality.hpp"
#include "analytics/pareto.hpp"
#include "analytics/prediction_error.hpp"
#include "analytics/pruning_speedup.hpp"
#include "core/table.hpp"

namespace qtb::analytics {

// Exact: shortest form that reads back bit for bit, so a CSV carries the JSON's figures.
// Short: four significant digits, for a text table read by eye.
enum class NumberStyle { Exact, Short };

Table pareto_table(std::span<const ParetoPoint> points, NumberStyle style);
Table box_table(std::span<const BoxStats> boxes, NumberStyle style);
Table orthogonality_table(std::span<const OrthogonalityRow> rows, NumberStyle style);
Table speedup_table(std::span<const SpeedupPoint> points, NumberStyle style);
// The per-platform summary only; the points are in the JSON form.
Table prediction_table(const PredictionError& error, NumberStyle style);

}  // namespace qtb::analytics
