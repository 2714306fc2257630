#include "report/report_selection.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "core/error.hpp"
#include "core/text.hpp"
#include "report/chart_fields.hpp"

namespace qtb {
namespace {

std::vector<std::string> flatten(const std::vector<std::string>& options) {
  std::vector<std::string> out;
  for (const std::string& option : options)
    for (std::string item : split_list(option)) {
      item = std::string(trim(item));
      if (to_lower(item) == "all") return {};
      out.push_back(item);
    }
  return out;
}

bool contains_ignoring_case(const std::vector<std::string>& list, const std::string& name) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& s) { return to_lower(s) == to_lower(name); });
}

}  // namespace

ReportSelection parse_report_selection(const std::vector<std::string>& tasks,
                                       const std::vector<std::string>& platforms,
                                       const std::string& source) {
  ReportSelection s;
  for (const std::string& task : flatten(tasks)) {
    const std::string name = to_lower(task);
    if (!contains_ignoring_case(report_task_order(), name))
      throw InputError(
          fmt::format("unknown task '{}' (known: {})", task, fmt::join(report_task_order(), ", ")));
    s.tasks.push_back(name);
  }
  s.platforms = flatten(platforms);
  if (source != "paper" && source != "ours" && source != "all")
    throw InputError(fmt::format("unknown source '{}' (known: paper, ours, all)", source));
  s.source = source;
  return s;
}

std::vector<ResultRow> select_report_rows(std::span<const ResultRow> rows,
                                          const ReportSelection& selection,
                                          const std::vector<std::string>& known_platforms) {
  for (const std::string& p : selection.platforms)
    if (!contains_ignoring_case(known_platforms, p))
      throw InputError(
          fmt::format("unknown platform '{}' (known: {})", p, fmt::join(known_platforms, ", ")));
  std::vector<ResultRow> out;
  for (const ResultRow& row : rows) {
    if (selection.source != "all" && row.source != selection.source) continue;
    if (!selection.tasks.empty() && !contains_ignoring_case(selection.tasks, row.dataset)) continue;
    if (!selection.platforms.empty() && !contains_ignoring_case(selection.platforms, row.platform))
      continue;
    out.push_back(row);
  }
  return out;
}

}  // namespace qtb
