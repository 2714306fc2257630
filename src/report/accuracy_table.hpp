#pragma once
// The accuracy table of a variant matrix: one row per variant (table, CSV, JSON), and the
// paper's Table 3 layout (scales down, precisions across) as Markdown.
#include <span>
#include <string>

#include "optimize/variant_matrix.hpp"
#include "report/output_format.hpp"

namespace qtb {

std::string render_accuracy_outcomes(std::span<const VariantOutcome> outcomes, OutputFormat format);

// | scale | FP32 | INT8 | ... | with "98.12 [97.85, 98.36]" per cell, empty where not made.
std::string render_accuracy_pivot(std::span<const VariantOutcome> outcomes);

}  // namespace qtb
