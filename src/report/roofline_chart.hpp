#pragma once
// Turns an L0 analysis into a roofline chart: one roof per (platform, op mode, data type that a
// selected variant runs in) and one point per supported prediction, placed at the OI it has in
// the type it runs in and at its attainable ops/s.
#include <string>
#include <vector>

#include "report/roofline_svg.hpp"
#include "roofline/analysis.hpp"

namespace qtb {

RooflineChart build_roofline_chart(const std::vector<VariantAnalysis>& variants,
                                   const std::vector<const Platform*>& platforms,
                                   const StorageModel& storage);
// A minimal HTML page around the SVG, for `roofline -o FILE.html`.
std::string wrap_svg_in_html(const std::string& svg, const std::string& title);

}  // namespace qtb
