#pragma once
// The vendored browser bundles of vega, vega-lite and vega-embed that every report inlines, so a
// report opens without network. scripts/setup.sh fetches them with `npm pack` at the pinned
// versions below into data/cache/vega-js/ and checks them against data/report/vega-js.sha256;
// the report command reads them from there (or from $QUTIBENCH_VEGA_DIR).
#include <filesystem>
#include <string>

namespace qtb {

inline constexpr const char* kVegaVersion = "6.4.0";
inline constexpr const char* kVegaLiteVersion = "6.5.0";
inline constexpr const char* kVegaEmbedVersion = "7.3.0";

struct VegaScripts {
  std::filesystem::path dir;
  std::string vega, vega_lite, vega_embed;  // minified UMD bundles
  std::string license;                      // the three BSD-3-Clause LICENSE texts
};

// $QUTIBENCH_VEGA_DIR when set, else data/cache/vega-js of the source tree.
std::filesystem::path default_vega_dir();
// The directory of the report's own assets (report-page.js, render-svg.js): data/report.
std::filesystem::path report_assets_dir();

// Throws InputError naming the missing file and the setup step that provides it.
VegaScripts load_vega_scripts(const std::filesystem::path& dir);
// Reads one of the report's own assets; InputError when it is missing.
std::string read_report_asset(const std::string& name);

}  // namespace qtb
