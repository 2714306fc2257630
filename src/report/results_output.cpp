#include "report/results_output.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/table.hpp"
#include "core/text.hpp"
#include "store/row_id.hpp"

namespace qtb {
namespace {

// About four significant digits without an exponent, so columns of fps (1e6) and latency (1e-3)
// both stay readable; the exact values are in `export`.
std::string readable(const std::optional<double>& value) {
  if (!value) return "";
  const double v = *value;
  if (v == 0) return "0";
  const int magnitude = static_cast<int>(std::floor(std::log10(std::fabs(v))));
  const int decimals = std::clamp(3 - magnitude, 0, 6);
  return fmt::format("{:.{}f}", v, decimals);
}

}  // namespace

std::string render_results(const std::vector<ResultRow>& rows, OutputFormat format) {
  if (format == OutputFormat::Json) return rows_document_with_ids_text(rows);
  Table table({"id", "source", "topology", "prune", "precision", "platform", "op_mode", "backend",
               "batch", "threads", "streams", "level", "fps_compute", "fps_system",
               "lat_compute_ms", "lat_system_ms", "power_full_w", "top1", "valid"});
  for (const ResultRow& r : rows) {
    table.add_row({row_id(r), r.source, r.topology, format_number(r.prune), r.precision, r.platform,
                   r.op_mode, r.backend, std::to_string(r.batch), std::to_string(r.threads),
                   std::to_string(r.streams), r.level, readable(r.fps_compute),
                   readable(r.fps_system), readable(r.latency_compute_ms.mean),
                   readable(r.latency_system_ms.mean), readable(r.power_full_w), readable(r.top1),
                   r.valid ? "yes" : "no"});
  }
  return format == OutputFormat::Csv ? table.to_csv() : table.to_text();
}

}  // namespace qtb
