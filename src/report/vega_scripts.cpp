#include "report/vega_scripts.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/data_dir.hpp"
#include "core/error.hpp"

namespace qtb {
namespace {

std::string read_text(const std::filesystem::path& file, const std::string& remedy) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("cannot read {} ({})", file.string(), remedy));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::filesystem::path default_vega_dir() {
  if (const char* dir = std::getenv("QUTIBENCH_VEGA_DIR"); dir && *dir) return dir;
  return data_dir() / "cache" / "vega-js";
}

std::filesystem::path report_assets_dir() {
  return data_dir() / "report";
}

VegaScripts load_vega_scripts(const std::filesystem::path& dir) {
  const std::string remedy = fmt::format(
      "run scripts/setup.sh: it fetches vega {}, vega-lite {} and vega-embed {} from npm into "
      "data/cache/vega-js; or point --vega-dir / QUTIBENCH_VEGA_DIR at a copy",
      kVegaVersion, kVegaLiteVersion, kVegaEmbedVersion);
  VegaScripts s;
  s.dir = dir;
  s.vega = read_text(dir / "vega.min.js", remedy);
  s.vega_lite = read_text(dir / "vega-lite.min.js", remedy);
  s.vega_embed = read_text(dir / "vega-embed.min.js", remedy);
  for (const char* name : {"vega", "vega-lite", "vega-embed"})
    s.license += fmt::format("--- {} ---\n{}\n", name,
                             read_text(dir / (std::string("LICENSE-") + name), remedy));
  return s;
}

std::string read_report_asset(const std::string& name) {
  return read_text(report_assets_dir() / name, "part of the source tree: data/report/");
}

}  // namespace qtb
