#include <fmt/format.h>

#include "core/limits.hpp"
#include "core/precision.hpp"
#include "core/text.hpp"
#include "report/report_tables.hpp"
#include "report/roofline_chart.hpp"
#include "serve/page_html.hpp"
#include "serve/predict_request.hpp"
#include "serve/row_pages.hpp"
#include "store/row_id.hpp"

namespace qtb::serve {

Response predict_page(PortalData& data, const QueryParams& params) {
  params.check_names({"model", "prune", "precision", "platform", "batch"});
  DesignSpace text;
  text.models = params.has("model") ? params.text("model") : "mlp";
  text.prunes = params.has("prune") ? params.text("prune") : "1";
  text.precisions = params.has("precision") ? params.text("precision") : "INT8";
  text.platforms = params.has("platform") ? params.text("platform") : "all";
  // The prediction is for one batch (weights are read once per batch), so only measured rows of
  // that batch are set beside it.
  text.batch = params.count("batch", {1, kMaxBatch, "inputs"}, 1);
  std::string body = "<form method=\"get\" action=\"/predict\" class=\"filters\" id=\"predict\">" +
                     html_input("model", "topologies", text.models, "mlp,cnv or all") +
                     html_input("prune", "prune", text.prunes, "1,0.5 or all") +
                     html_input("precision", "precision", text.precisions, "INT8,W2A2 or all") +
                     html_input("platform", "platforms", text.platforms, "TX2 or all") +
                     html_input("batch", "batch", std::to_string(text.batch), "1") +
                     "<button type=\"submit\">predict</button></form>\n";
  const AnalysisRequest request = bounded_analysis_request(text, data.catalog());
  const auto variants = analyze(request);
  const auto set = data.all_rows();
  std::vector<std::vector<std::string>> lines;
  std::vector<std::string> links;
  for (const VariantAnalysis& v : variants) {
    for (const Prediction& p : v.predictions) {
      const std::vector<std::string> variant{
          v.model,
          format_number(v.prune),
          v.cost.precision.name(),
          fmt::format("{:.4g}", static_cast<double>(v.cost.ops)),
          fmt::format("{:.3g}", v.cost.oi),
          p.platform,
          p.op_mode,
          p.supported ? fmt::format("{:.4g}", p.fps) : "unsupported",
          p.supported ? std::string(to_string(p.bound)) : p.reason};
      bool measured = false;
      // Measured rows of the same variant on the same platform and op mode, with efficiency.
      for (std::size_t i = 0; i < set->rows.size(); ++i) {
        const ResultRow& r = set->rows[i];
        if (r.topology != v.model || r.prune != v.prune || r.precision != v.cost.precision.name() ||
            r.platform != p.platform || (!r.op_mode.empty() && r.op_mode != p.op_mode) ||
            r.batch != text.batch || !r.fps_compute || r.level == "L0")
          continue;
        auto line = variant;
        line.push_back(fmt::format("{:.4g} (batch {})", *r.fps_compute, r.batch));
        line.push_back(
            p.supported && p.fps > 0 ? fmt::format("{:.1f} %", 100 * *r.fps_compute / p.fps) : "");
        line.push_back(set->ids[i]);
        lines.push_back(line);
        links.push_back("");
        measured = true;
      }
      if (!measured) {
        auto line = variant;
        line.insert(line.end(), {"", "", ""});
        lines.push_back(line);
        links.push_back("");
      }
    }
  }
  body += fmt::format(
      "<p>Batch {}; storage model: {}. Measured rows of batch {} are set beside the prediction: "
      "efficiency = measured / predicted.</p>\n",
      text.batch, html_escape(request.storage.description()), text.batch);
  body += html_table({"model", "prune", "precision", "ops", "OI", "platform", "op_mode",
                      "predicted fps", "bound", "measured fps", "efficiency", "row"},
                     lines, links);
  std::vector<ReportChart> charts;
  const L0RooflineChart roofline =
      l0_roofline_chart(variants, request.platforms, request.storage, false);
  if (roofline.points > 0) charts.push_back(roofline.chart);
  return html_page("Predict (L0)", body, charts);
}

}  // namespace qtb::serve
