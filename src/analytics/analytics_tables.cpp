#include "analytics/analytics_tables.hpp"

#include <fmt/format.h>

#include <cmath>

namespace qtb::analytics {

namespace {

// Exact for CSV (reads back bit for bit), four significant digits for a table read by eye (whole
// numbers from 10^4 on, where %g would switch to an exponent that hides fps magnitudes).
std::string num(double value, NumberStyle style) {
  if (style == NumberStyle::Exact) return fmt::format("{}", value);
  return std::abs(value) >= 1e4 ? fmt::format("{:.0f}", value) : fmt::format("{:.4g}", value);
}
std::string num(const std::optional<double>& value, NumberStyle style) {
  return value ? num(*value, style) : "";
}

// "b4" / "t2" / "s8": the deployment parameters that are not 1, or "b1" for the plain point, so a
// table cell names the point without three extra columns per variant.
std::string point_name(const Deployment& d) {
  std::string name;
  if (!d.backend.empty()) name += d.backend + " ";
  name += fmt::format("b{}", d.batch);
  if (d.threads != 1) name += fmt::format(" t{}", d.threads);
  if (d.streams != 1) name += fmt::format(" s{}", d.streams);
  return name;
}

void add_summary(std::vector<std::string>& cells, const Summary& s, NumberStyle style) {
  for (const double v : {s.min, s.q1, s.median, s.q3, s.max, s.mean})
    cells.push_back(num(v, style));
}

}  // namespace

Table pareto_table(std::span<const ParetoPoint> points, NumberStyle style) {
  Table table({"task", "frontier", "status", "x_name", "x", "y_name", "y", "source", "topology",
               "precision", "prune", "platform", "op_mode", "deployment"});
  for (const ParetoPoint& p : points) {
    const Deployment deployment = p.deployment();
    table.add_row({p.task(), to_string(p.frontier), to_string(p.status), x_name(p.frontier),
                   num(p.x, style), y_name(p.frontier), num(p.y, style), p.source(), p.topology(),
                   p.precision(), num(p.prune(), style), p.platform(), deployment.op_mode,
                   point_name(deployment)});
  }
  return table;
}

Table box_table(std::span<const BoxStats> boxes, NumberStyle style) {
  Table table({"source",      "topology", "platform", "op_mode",  "precision", "prune",
               "metric",      "n",        "missing",  "min",      "q1",        "median",
               "q3",          "max",      "mean",     "peak",     "norm_min",  "norm_q1",
               "norm_median", "norm_q3",  "norm_max", "norm_mean"});
  for (const BoxStats& b : boxes) {
    std::vector<std::string> cells{b.source,
                                   b.topology,
                                   b.platform,
                                   b.op_mode,
                                   b.precision,
                                   num(b.prune, style),
                                   to_string(b.metric),
                                   std::to_string(b.absolute.n),
                                   std::to_string(b.missing)};
    add_summary(cells, b.absolute, style);
    cells.push_back(num(b.peak, style));
    add_summary(cells, b.normalised, style);
    table.add_row(std::move(cells));
  }
  return table;
}

Table orthogonality_table(std::span<const OrthogonalityRow> rows, NumberStyle style) {
  std::vector<std::string> header{"source", "topology", "platform", "op_mode", "metric"};
  for (const char* v : {"a", "b", "c", "d"})
    for (const char* f : {"precision", "prune", "value", "point"})
      header.push_back(fmt::format("{}_{}", v, f));
  // q2_over_q1 always equals p2_over_p1 (both are AD/BC or its inverse); JSON keeps both keys.
  for (const char* f : {"p1", "q1", "p2", "q2", "p2_over_p1", "d_beats_b_and_c"})
    header.emplace_back(f);
  Table table(std::move(header));
  for (const OrthogonalityRow& r : rows) {
    std::vector<std::string> cells{r.source, r.topology, r.platform, r.op_mode,
                                   to_string(r.metric)};
    for (const VariantFigure* f : {&r.a, &r.b, &r.c, &r.d}) {
      cells.push_back(f->precision);
      cells.push_back(num(f->prune, style));
      cells.push_back(num(f->value, style));
      cells.push_back(point_name(f->deployment));
    }
    for (const double v : {r.p1, r.q1, r.p2, r.q2, r.p2_over_p1}) cells.push_back(num(v, style));
    cells.emplace_back(r.d_beats_b_and_c ? "true" : "false");
    table.add_row(std::move(cells));
  }
  return table;
}

Table speedup_table(std::span<const SpeedupPoint> points, NumberStyle style) {
  Table table({"source", "platform", "topology", "op_mode", "precision", "prune", "base_fps",
               "base_point", "pruned_fps", "pruned_point", "speedup", "compute_reduction",
               "pearson_r", "platform_points"});
  for (const SpeedupPoint& p : points) {
    table.add_row({p.source, p.platform, p.topology, p.op_mode, p.precision, num(p.prune, style),
                   num(p.base_fps, style), point_name(p.base_deployment), num(p.pruned_fps, style),
                   point_name(p.pruned_deployment), num(p.speedup, style),
                   num(p.compute_reduction, style), num(p.pearson_r, style),
                   std::to_string(p.platform_points)});
  }
  return table;
}

Table prediction_table(const PredictionError& error, NumberStyle style) {
  Table table({"source", "platform", "n", "ratio_min", "ratio_q1", "ratio_median", "ratio_q3",
               "ratio_max", "ratio_mean"});
  for (const PredictionSummary& s : error.platforms) {
    std::vector<std::string> cells{s.source, s.platform, std::to_string(s.ratio.n)};
    add_summary(cells, s.ratio, style);
    table.add_row(std::move(cells));
  }
  return table;
}

}  // namespace qtb::analytics
