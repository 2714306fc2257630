#include "report/roofline_chart.hpp"

#include <fmt/format.h>

#include <set>
#include <tuple>

#include "core/text.hpp"

namespace qtb {

RooflineChart build_roofline_chart(const std::vector<VariantAnalysis>& variants,
                                   const std::vector<const Platform*>& platforms,
                                   const StorageModel& storage) {
  RooflineChart chart;
  chart.title = "Roofline (L0 predictions; storage model: " + storage.id() + ")";
  std::set<std::tuple<std::string, std::string, DataType>> roofs_in_use;
  for (const auto& v : variants) {
    for (const auto& p : v.predictions) {
      if (!p.supported) continue;
      roofs_in_use.insert({p.platform, p.op_mode, *p.carrier});
      chart.points.push_back(
          {fmt::format(
               "{} s={} {} on {} {}: {:.1f} fps predicted, {} bound (runs in {}; storage: {})",
               v.model, format_number(v.prune), v.cost.precision.name(), p.platform, p.op_mode,
               p.fps, to_string(p.bound), to_string(*p.carrier), p.storage),
           p.platform, v.model, p.oi, p.attainable_ops});
    }
  }
  for (const Platform* platform : platforms) {
    for (const auto& mode : platform->op_modes) {
      for (const auto& [type, peak] : mode.peak_ops) {
        if (!roofs_in_use.contains({platform->name, mode.name, type})) continue;
        const std::string mode_label = platform->op_modes.size() > 1 ? " " + mode.name : "";
        chart.roofs.push_back({fmt::format("{}{} {}", platform->name, mode_label, to_string(type)),
                               platform->name, std::string(to_string(type)), peak,
                               platform->memory_bandwidth});
      }
    }
  }
  return chart;
}

std::string wrap_svg_in_html(const std::string& svg, const std::string& title) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title></head>"
      "\n<body>\n{}\n</body></html>\n",
      title, svg);
}

}  // namespace qtb
