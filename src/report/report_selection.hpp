#pragma once
// Which rows a report shows, from `qutibench report --task ... --platform ... --source ...`.
// Names are checked before anything is written: an unknown task, platform or source is an
// InputError naming what is known.
#include <span>
#include <string>
#include <vector>

#include "measure/result_row.hpp"

namespace qtb {

struct ReportSelection {
  std::vector<std::string> tasks;      // empty = every task
  std::vector<std::string> platforms;  // empty = every platform (as stored, e.g. "TX2", "host")
  std::string source = "all";          // paper, ours or all
};

// Comma-separated lists (options may also repeat); "all" or nothing selects everything.
// Tasks: mnist, fashion-mnist, cifar10, imagenet.
ReportSelection parse_report_selection(const std::vector<std::string>& tasks,
                                       const std::vector<std::string>& platforms,
                                       const std::string& source);

// The selected rows, in stored order. `known_platforms` names every platform one may ask for
// (the stored rows' and the catalog's); a platform outside it is an InputError. Matching of
// platform names is case-insensitive; the rows keep their stored spelling.
std::vector<ResultRow> select_report_rows(std::span<const ResultRow> rows,
                                          const ReportSelection& selection,
                                          const std::vector<std::string>& known_platforms);

}  // namespace qtb
