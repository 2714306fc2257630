#pragma once
// Pieces shared by the chart builders: the fields every point datum carries (for tooltips and
// the page's filters), names of variants and deployment points, consistent colour scales, and
// the Vega-Lite skeleton.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analytics/point.hpp"
#include "measure/result_row.hpp"

namespace qtb {

// The tasks in the order the report shows them.
const std::vector<std::string>& report_task_order();
// "MNIST", "CIFAR-10", ...: for titles.
std::string task_title(const std::string& task);

// "mlp 50% W1A1".
std::string variant_name(const std::string& topology, double prune, const std::string& precision);
// "finn maxn b8 t1 s1": the deployment point a figure came from, every parameter named.
std::string deployment_name(const analytics::Deployment& d);
// Lower-case letters, digits and '-': for chart ids and SVG file names.
std::string slug(const std::string& text);

// A number, or null for a figure the row lacks (never a made-up value).
nlohmann::json number_or_null(const std::optional<double>& value);

// source, task, platform, op_mode, topology, precision, prune_pct, variant, deployment, level.
nlohmann::json point_identity(const ResultRow& row);

// A Vega-Lite document: schema, title, size, data inlined.
nlohmann::json vega_lite_base(const std::string& title, nlohmann::json values, int width = 430,
                              int height = 280);

// Colour of a platform, the same in every chart: the domain is every platform of the report.
nlohmann::json platform_color(const std::vector<std::string>& platforms, const std::string& field);
// Shape (or colour) of a source: paper = circle (blue), ours = triangle (red).
nlohmann::json source_shape();
nlohmann::json source_color();

// Tooltip entries: {"field": f, "type": "nominal"/"quantitative", "title": t}.
nlohmann::json tip(const std::string& field, const std::string& title, bool number = false);

}  // namespace qtb
