#include "analytics/analytics_json.hpp"

#include "core/json_text.hpp"

namespace qtb::analytics {

namespace {

// {"analysis": name} and, when given, the list under `key` (moved in, never copied: a listing
// of every row is large).
nlohmann::json document(const char* name, const char* key = nullptr,
                        nlohmann::json list = nullptr) {
  nlohmann::json out = nlohmann::json::object();
  out["analysis"] = name;
  if (key) out[key] = std::move(list);
  return out;
}

nlohmann::json optional_number(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json to_json(const Summary& s) {
  return {{"n", s.n},   {"min", s.min}, {"q1", s.q1},    {"median", s.median},
          {"q3", s.q3}, {"max", s.max}, {"mean", s.mean}};
}

nlohmann::json to_json(const VariantFigure& f) {
  return {{"precision", f.precision},
          {"prune", f.prune},
          {"value", f.value},
          {"deployment", to_json(f.deployment)}};
}

}  // namespace

nlohmann::json to_json(const Deployment& point) {
  return {{"backend", point.backend},
          {"op_mode", point.op_mode},
          {"batch", point.batch},
          {"threads", point.threads},
          {"streams", point.streams}};
}

nlohmann::json to_json(const ParetoPoint& p) {
  return {{"task", p.task()},
          {"frontier", to_string(p.frontier)},
          {"x_name", x_name(p.frontier)},
          {"y_name", y_name(p.frontier)},
          {"x", optional_number(p.x)},
          {"y", optional_number(p.y)},
          {"status", to_string(p.status)},
          {"topology", p.topology()},
          {"precision", p.precision()},
          {"prune", p.prune()},
          {"platform", p.platform()},
          {"source", p.source()},
          {"deployment", to_json(p.deployment())}};
}

nlohmann::json to_json(std::span<const ParetoPoint> points) {
  nlohmann::json rows = nlohmann::json::array();
  for (const ParetoPoint& p : points) rows.push_back(to_json(p));
  return document("pareto", "rows", std::move(rows));
}

std::string to_json_text(std::span<const ParetoPoint> points) {
  return dump_with_list(document("pareto"), "rows", points.size(),
                        [&](std::size_t i) { return to_json(points[i]); }) +
         "\n";
}

nlohmann::json to_json(std::span<const BoxStats> boxes) {
  nlohmann::json rows = nlohmann::json::array();
  for (const BoxStats& b : boxes) {
    rows.push_back({{"source", b.source},
                    {"topology", b.topology},
                    {"platform", b.platform},
                    {"op_mode", b.op_mode},
                    {"precision", b.precision},
                    {"prune", b.prune},
                    {"metric", to_string(b.metric)},
                    {"absolute", to_json(b.absolute)},
                    {"normalised", to_json(b.normalised)},
                    {"peak", b.peak},
                    {"missing", b.missing}});
  }
  nlohmann::json out = document("box", "rows", std::move(rows));
  out["quartiles"] = "linear interpolation (Hyndman-Fan type 7)";
  return out;
}

nlohmann::json to_json(std::span<const OrthogonalityRow> rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const OrthogonalityRow& r : rows) {
    out.push_back({{"source", r.source},
                   {"topology", r.topology},
                   {"platform", r.platform},
                   {"op_mode", r.op_mode},
                   {"metric", to_string(r.metric)},
                   {"A", to_json(r.a)},
                   {"B", to_json(r.b)},
                   {"C", to_json(r.c)},
                   {"D", to_json(r.d)},
                   {"p1", r.p1},
                   {"q1", r.q1},
                   {"p2", r.p2},
                   {"q2", r.q2},
                   {"p2_over_p1", r.p2_over_p1},
                   {"q2_over_q1", r.q2_over_q1},
                   {"d_beats_b_and_c", r.d_beats_b_and_c}});
  }
  return document("orthogonality", "rows", std::move(out));
}

nlohmann::json to_json(std::span<const SpeedupPoint> points) {
  nlohmann::json rows = nlohmann::json::array();
  for (const SpeedupPoint& p : points) {
    rows.push_back({{"source", p.source},
                    {"platform", p.platform},
                    {"topology", p.topology},
                    {"op_mode", p.op_mode},
                    {"precision", p.precision},
                    {"prune", p.prune},
                    {"base_fps", p.base_fps},
                    {"pruned_fps", p.pruned_fps},
                    {"base_deployment", to_json(p.base_deployment)},
                    {"pruned_deployment", to_json(p.pruned_deployment)},
                    {"speedup", p.speedup},
                    {"compute_reduction", optional_number(p.compute_reduction)},
                    {"pearson_r", optional_number(p.pearson_r)},
                    {"platform_points", p.platform_points}});
  }
  return document("speedup", "rows", std::move(rows));
}

nlohmann::json to_json(const PredictionPoint& p) {
  return {{"source", p.source()},
          {"topology", p.topology()},
          {"platform", p.platform()},
          {"precision", p.precision()},
          {"prune", p.prune()},
          {"deployment", to_json(p.deployment())},
          {"measured_fps", p.measured_fps},
          {"predicted_fps", p.predicted_fps},
          {"ratio", p.ratio},
          {"predicted_by", p.predicted_by}};
}

namespace {

// The theory document without its per-row "points".
nlohmann::json prediction_summary_json(const PredictionError& error) {
  nlohmann::json platforms = nlohmann::json::array();
  for (const PredictionSummary& s : error.platforms)
    platforms.push_back(
        {{"source", s.source}, {"platform", s.platform}, {"ratio", to_json(s.ratio)}});
  nlohmann::json unpredicted = nlohmann::json::object();
  for (const auto& [reason, count] : error.unpredicted) unpredicted[reason] = count;
  nlohmann::json out = document("theory", "rows", std::move(platforms));
  out["unpredicted"] = std::move(unpredicted);
  return out;
}

}  // namespace

nlohmann::json to_json(const PredictionError& error) {
  nlohmann::json points = nlohmann::json::array();
  for (const PredictionPoint& p : error.points) points.push_back(to_json(p));
  nlohmann::json out = prediction_summary_json(error);
  out["points"] = std::move(points);
  return out;
}

std::string to_json_text(const PredictionError& error) {
  return dump_with_list(prediction_summary_json(error), "points", error.points.size(),
                        [&](std::size_t i) { return to_json(error.points[i]); }) +
         "\n";
}

}  // namespace qtb::analytics
