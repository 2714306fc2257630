#pragma once
// JSON forms of the analyses, keyed as docs/analytics.md lists them. Missing figures are null; the
// report layer reads these too.
#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "analytics/box_stats.hpp"
#include "analytics/orthogonality.hpp"
#include "analytics/pareto.hpp"
#include "analytics/prediction_error.hpp"
#include "analytics/pruning_speedup.hpp"

namespace qtb::analytics {

nlohmann::json to_json(const Deployment& point);
nlohmann::json to_json(const ParetoPoint& point);
nlohmann::json to_json(std::span<const ParetoPoint> points);
nlohmann::json to_json(std::span<const BoxStats> boxes);
nlohmann::json to_json(std::span<const OrthogonalityRow> rows);
nlohmann::json to_json(std::span<const SpeedupPoint> points);
nlohmann::json to_json(const PredictionPoint& point);
nlohmann::json to_json(const PredictionError& error);

// to_json(...).dump(1) + "\n" of the analyses with a row per input row, made a row at a time.
std::string to_json_text(std::span<const ParetoPoint> points);
std::string to_json_text(const PredictionError& error);

}  // namespace qtb::analytics
