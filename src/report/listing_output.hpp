#pragma once
// `qutibench models` and `qutibench platforms`: the zoo and the catalog as table, CSV or JSON.
#include <string>
#include <vector>

#include "platform/platform.hpp"
#include "report/output_format.hpp"

namespace qtb {

std::string render_models(OutputFormat format);
std::string render_platforms(const std::vector<Platform>& catalog, OutputFormat format);

}  // namespace qtb
