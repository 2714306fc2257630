#pragma once
// The report's HTML tables: the orthogonality of pruning and quantization (paper Sec. 5.2.6,
// Table 8) and the theory-vs-measurement summary per platform. Each <tr> carries data-task,
// data-platform and data-source so the page's filters can hide it like a chart's points.
#include <map>
#include <span>
#include <string>

#include "analytics/orthogonality.hpp"
#include "analytics/prediction_error.hpp"

namespace qtb {

// `task_of`: topology -> task.
std::string orthogonality_html(std::span<const analytics::OrthogonalityRow> rows,
                               const std::map<std::string, std::string>& task_of);
std::string theory_summary_html(const analytics::PredictionError& error);

// Escapes &, <, >, " and ' for HTML (and XML) text and attributes; drops the control characters
// XML 1.0 forbids. The one escaper of the code base.
std::string html_escape(const std::string& text);

}  // namespace qtb
