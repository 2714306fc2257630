#include "measure/layer_table.hpp"

#include <fmt/format.h>

#include "core/table.hpp"

namespace qtb {
namespace {

std::string figure(const std::optional<double>& value, int decimals) {
  return value ? fmt::format("{:.{}f}", *value, decimals) : std::string();
}

}  // namespace

std::string layer_rows_table(const std::vector<ResultRow>& rows) {
  Table table({"level", "layer", "layer_type", "mean_ms", "p50_ms", "p99_ms", "MOP/input", "OI",
               "bound", "GOP/s", "roofline_GOP/s (predicted)", "valid"});
  double sum_ms = 0;
  for (const ResultRow& row : rows) {
    const LatencyStats& t = row.latency_compute_ms;
    std::optional<double> mops, roof;
    if (row.layer_ops) mops = *row.layer_ops * 1e-6;
    if (row.layer_ops && row.predicted_fps) roof = *row.layer_ops * *row.predicted_fps * 1e-9;
    table.add_row({row.level, row.layer, row.layer_type, figure(t.mean, 4), figure(t.p50, 4),
                   figure(t.p99, 4), figure(mops, 3), figure(row.layer_oi, 2), row.roofline_bound,
                   figure(row.gops_measured, 2), figure(roof, 2),
                   row.valid ? "yes" : "no: " + row.invalid_reason});
    sum_ms += t.mean.value_or(0);
  }
  return table.to_text() +
         fmt::format("sum of the {} layers' mean times: {:.4f} ms per query (batch {})\n",
                     rows.size(), sum_ms, rows.empty() ? 0 : rows.front().batch);
}

}  // namespace qtb
