#pragma once
// The frame every portal page shares, and small HTML builders. Every value that reaches the page
// goes through html_escape (report/report_tables.hpp); charts travel as JSON in a
// <script type="application/json"> block (never executed; '<' escaped), which /static/portal.js
// embeds with the vendored vega-embed.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/report_chart.hpp"
#include "serve/response.hpp"

namespace qtb::serve {

// A whole page: navigation, `title` as <h1>, `body` (HTML already escaped), the charts.
Response html_page(const std::string& title, const std::string& body,
                   const std::vector<ReportChart>& charts = {});

// <table> with a header row and escaped cells; `links` (same size as rows, may be empty) makes
// the first cell of each row a link.
std::string html_table(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows,
                       const std::vector<std::string>& links = {});
// An href with its query: values percent-encoded, empty ones left out, then escaped for HTML.
std::string href(const std::string& path, const std::map<std::string, std::string>& params);
// <select name=...> of `choices` with "" (any) first and `selected` marked.
std::string html_select(const std::string& name, const std::string& label,
                        const std::vector<std::string>& choices, const std::string& selected);
std::string html_input(const std::string& name, const std::string& label, const std::string& value,
                       const std::string& placeholder = "");

}  // namespace qtb::serve
