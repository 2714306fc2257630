#include "report/report_tables.hpp"

#include <fmt/format.h>

#include <set>
#include <tuple>

#include "core/text.hpp"
#include "report/chart_fields.hpp"

namespace qtb {
namespace {

std::string num(double v) {
  return v >= 1e4 ? fmt::format("{:.0f}", v) : fmt::format("{:.4g}", v);
}

std::string cell(const std::string& text) {
  return "<td>" + html_escape(text) + "</td>";
}

// "W4A4 50%: 1234 (finn default b1 t1 s8)": the variant, its figure and where it came from.
std::string figure_cell(const analytics::VariantFigure& f) {
  return fmt::format("<td>{} {}%: <b>{}</b><br><small>{}</small></td>", html_escape(f.precision),
                     format_number(f.prune * 100.0), num(f.value),
                     html_escape(deployment_name(f.deployment)));
}

std::string row_attributes(const std::string& task, const std::string& platform,
                           const std::string& source) {
  return fmt::format(R"(<tr data-task="{}" data-platform="{}" data-source="{}">)",
                     html_escape(task), html_escape(platform), html_escape(source));
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 forbids most C0 controls even when escaped; drop them.
        if (static_cast<unsigned char>(c) < 0x20U && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

std::string orthogonality_html(std::span<const analytics::OrthogonalityRow> rows,
                               const std::map<std::string, std::string>& task_of) {
  if (rows.empty())
    return "<p class=\"empty\">No (topology, platform) in the selection has all four variants "
           "A, B, C and D.</p>\n";
  std::string html =
      "<table class=\"qtb-table\" id=\"orthogonality-table\">\n<thead><tr><th>source</th>"
      "<th>topology</th><th>platform</th><th>op mode</th><th>metric</th><th>A (base)</th>"
      "<th>B (quantized)</th><th>C (pruned)</th><th>D (both)</th><th>p1 (pruning)</th>"
      "<th>q1 (quantization)</th><th>p2 (pruning after quantization)</th>"
      "<th>q2 (quantization after pruning)</th><th>p2/p1 = q2/q1</th><th>D beats B and C</th>"
      "</tr></thead>\n<tbody>\n";
  for (const analytics::OrthogonalityRow& r : rows) {
    const auto task = task_of.find(r.topology);
    html += row_attributes(task == task_of.end() ? "" : task->second, r.platform, r.source);
    html += cell(r.source) + cell(r.topology) + cell(r.platform) + cell(r.op_mode) +
            cell(analytics::to_string(r.metric));
    html += figure_cell(r.a) + figure_cell(r.b) + figure_cell(r.c) + figure_cell(r.d);
    for (const double v : {r.p1, r.q1, r.p2, r.q2, r.p2_over_p1}) html += cell(num(v));
    html += cell(r.d_beats_b_and_c ? "yes" : "no") + "</tr>\n";
  }
  return html + "</tbody></table>\n";
}

std::string theory_summary_html(const analytics::PredictionError& error) {
  if (error.platforms.empty())
    return "<p class=\"empty\">No measured point in the selection has a roofline prediction.</p>\n";
  // Which kinds of prediction each (source, platform) summary rests on.
  std::map<std::tuple<std::string, std::string>, std::set<std::string, std::less<>>, std::less<>>
      predicted_by;
  for (const analytics::PredictionPoint& p : error.points) {
    auto& kinds = analytics::find_or_add(predicted_by, std::tie(p.source(), p.platform()));
    if (!kinds.contains(p.predicted_by)) kinds.emplace(p.predicted_by);
  }
  std::string html =
      "<table class=\"qtb-table\" id=\"theory-table\">\n<thead><tr><th>source</th>"
      "<th>platform</th><th>points</th><th>min</th><th>q1</th><th>median</th><th>q3</th>"
      "<th>max</th><th>prediction</th></tr></thead>\n<tbody>\n";
  for (const analytics::PredictionSummary& s : error.platforms) {
    html += row_attributes("", s.platform, s.source);
    html += cell(s.source) + cell(s.platform) + cell(std::to_string(s.ratio.n));
    for (const double v : {s.ratio.min, s.ratio.q1, s.ratio.median, s.ratio.q3, s.ratio.max})
      html += cell(num(v));
    std::string by;
    for (const std::string& k : predicted_by.find(std::tie(s.source, s.platform))->second)
      by += (by.empty() ? "" : ", ") + k;
    html += cell(by) + "</tr>\n";
  }
  return html + "</tbody></table>\n";
}

}  // namespace qtb
