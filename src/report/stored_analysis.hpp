#pragma once
// The paper's analyses over stored rows as `qutibench analyze-results` prints them and the
// portal's /api/v1/analyses/{name} serves them: one class, so both say the same bytes. The
// analysis is computed once; rendering a format or a window of its list is cheap, so the portal
// keeps the computed analysis per store state and pages through it.
#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "analytics/box_stats.hpp"
#include "analytics/orthogonality.hpp"
#include "analytics/pareto.hpp"
#include "analytics/prediction_error.hpp"
#include "analytics/pruning_speedup.hpp"
#include "measure/result_row.hpp"
#include "platform/platform.hpp"
#include "report/output_format.hpp"

namespace qtb {

// pareto, box, orthogonality, speedup, theory.
const std::vector<std::string>& analysis_names();

// Which part of the analysis' list is printed: entries [offset, offset + limit) of its rows
// (theory: of its points; the per-platform summary is always whole).
struct ListWindow {
  std::size_t offset = 0;
  std::size_t limit = std::numeric_limits<std::size_t>::max();
};

class StoredAnalysis {
 public:
  // Analysis `name` over `rows` (valid rows of the selection); it keeps them, as its points refer
  // to them. `catalog` gives the theory analysis its predictions for rows that carry none. Throws
  // InputError for an unknown name.
  StoredAnalysis(std::string_view name, std::shared_ptr<const std::vector<ResultRow>> rows,
                 bool frontier_only, const std::vector<Platform>& catalog);

  // Entries of the list a window pages through.
  std::size_t list_size() const;
  // Table output uses short numbers, CSV and JSON exact ones.
  std::string render(OutputFormat format, ListWindow window = {}) const;

 private:
  std::shared_ptr<const std::vector<ResultRow>> rows_;
  std::variant<std::vector<analytics::ParetoPoint>, std::vector<analytics::BoxStats>,
               std::vector<analytics::OrthogonalityRow>, std::vector<analytics::SpeedupPoint>,
               analytics::PredictionError>
      result_;
};

// StoredAnalysis(name, rows, ...).render(format): the whole document, for the command line.
std::string render_stored_analysis(std::string_view name, std::vector<ResultRow> rows,
                                   OutputFormat format, bool frontier_only,
                                   const std::vector<Platform>& catalog);

}  // namespace qtb
