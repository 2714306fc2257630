#pragma once
// The paper's analyses over stored rows as `qutibench analyze-results` prints them and the
// portal's /api/v1/analyses/{name} serves them: one function, so both say the same bytes.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "measure/result_row.hpp"
#include "platform/platform.hpp"
#include "report/output_format.hpp"

namespace qtb::serve {

// pareto, box, orthogonality, speedup, theory.
const std::vector<std::string>& analysis_names();

// The document of analysis `name` over `rows` (valid rows of the selection). `catalog` gives the
// theory analysis its predictions for rows that carry none. Table output uses short numbers,
// CSV and JSON exact ones. Throws InputError for an unknown name.
std::string render_stored_analysis(std::string_view name, const std::vector<ResultRow>& rows,
                                   OutputFormat format, bool frontier_only,
                                   const std::vector<Platform>& catalog);

}  // namespace qtb::serve
