#pragma once
// How `qutibench analyze` presents the L0 design space: a JSON document (the stable schema of
// docs/cli.md), CSV with one row per prediction, or an aligned table in readable units.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/output_format.hpp"
#include "roofline/analysis.hpp"

namespace qtb {

nlohmann::json analysis_to_json(const std::vector<VariantAnalysis>& variants,
                                const StorageModel& storage, bool with_layers);
std::string render_analysis(const std::vector<VariantAnalysis>& variants,
                            const StorageModel& storage, OutputFormat format, bool with_layers);

}  // namespace qtb
