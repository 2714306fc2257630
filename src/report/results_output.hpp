#pragma once
// `qutibench results`: stored rows as a readable table of the key columns (text or CSV), or the
// full {"rows": [...]} JSON document. The complete columns are `qutibench export`'s job.
#include <string>
#include <vector>

#include "measure/result_row.hpp"
#include "report/output_format.hpp"

namespace qtb {

std::string render_results(const std::vector<ResultRow>& rows, OutputFormat format);

}  // namespace qtb
