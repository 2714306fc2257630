#include "serve/page_html.hpp"

#include <fmt/format.h>

#include "report/report_html.hpp"
#include "report/report_tables.hpp"

namespace qtb::serve {
namespace {

std::string percent_encode(const std::string& text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ',') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

Response html_page(const std::string& title, const std::string& body,
                   const std::vector<ReportChart>& charts) {
  nlohmann::json specs = nlohmann::json::array();
  std::string chart_boxes;
  for (const ReportChart& chart : charts) {
    specs.push_back({{"id", chart.id}, {"spec", chart.spec}});
    chart_boxes += fmt::format(
        "<figure class=\"chart\"><figcaption>{}</figcaption><div class=\"vega\" "
        "data-chart=\"{}\"></div><p class=\"note\">{}</p></figure>\n",
        html_escape(chart.title), html_escape(chart.id), html_escape(chart.note));
  }
  std::string html = fmt::format(
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>{0} - qutibench portal</title><link rel=\"icon\" href=\"data:,\">"
      "<link rel=\"stylesheet\" href=\"/static/portal.css\">"
      "<script src=\"/static/vega.min.js\" defer></script>"
      "<script src=\"/static/vega-lite.min.js\" defer></script>"
      "<script src=\"/static/vega-embed.min.js\" defer></script>"
      "<script src=\"/static/portal.js\" defer></script></head>\n<body>"
      "<nav><a href=\"/\">qutibench portal</a> <a href=\"/rows\">rows</a> "
      "<a href=\"/compare\">compare</a> <a href=\"/predict\">predict</a> "
      "<a href=\"/api/v1/rows?limit=100\">API</a></nav>\n<main><h1>{0}</h1>\n{1}\n{2}</main>\n"
      "<div id=\"qtb-status\" hidden data-charts=\"{3}\"></div>\n"
      "<script type=\"application/json\" id=\"qtb-charts\">{4}</script>\n</body></html>\n",
      html_escape(title), body, chart_boxes, charts.size(), script_safe_json(specs));
  return {200, "text/html; charset=utf-8", std::move(html), {}};
}

std::string html_table(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows,
                       const std::vector<std::string>& links) {
  std::string out = "<table><thead><tr>";
  for (const std::string& h : header) out += "<th>" + html_escape(h) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    out += "<tr>";
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const std::string cell = html_escape(rows[r][c]);
      if (c == 0 && r < links.size() && !links[r].empty()) {
        out += "<td><a href=\"" + links[r] + "\">" + cell + "</a></td>";
      } else {
        out += "<td>" + cell + "</td>";
      }
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string href(const std::string& path, const std::map<std::string, std::string>& params) {
  std::string query;
  for (const auto& [name, value] : params) {
    if (value.empty()) continue;
    query += (query.empty() ? "?" : "&") + percent_encode(name) + "=" + percent_encode(value);
  }
  return html_escape(path + query);
}

std::string html_select(const std::string& name, const std::string& label,
                        const std::vector<std::string>& choices, const std::string& selected) {
  std::string out = fmt::format("<label>{} <select name=\"{}\"><option value=\"\">any</option>",
                                html_escape(label), html_escape(name));
  for (const std::string& choice : choices) {
    out += fmt::format("<option value=\"{0}\"{1}>{0}</option>", html_escape(choice),
                       choice == selected ? " selected" : "");
  }
  return out + "</select></label>\n";
}

std::string html_input(const std::string& name, const std::string& label, const std::string& value,
                       const std::string& placeholder) {
  return fmt::format(
      "<label>{} <input name=\"{}\" value=\"{}\" placeholder=\"{}\" size=\"14\"></label>\n",
      html_escape(label), html_escape(name), html_escape(value), html_escape(placeholder));
}

}  // namespace qtb::serve
