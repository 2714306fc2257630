#include "serve/static_files.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "core/data_dir.hpp"
#include "core/error.hpp"
#include "report/vega_scripts.hpp"

namespace qtb::serve {
namespace {

std::string read_asset(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("cannot read {} (part of the source tree)", file.string()));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr const char* kScript = "text/javascript; charset=utf-8";

}  // namespace

std::filesystem::path portal_assets_dir() {
  return data_dir() / "serve";
}

StaticFiles::StaticFiles(const std::filesystem::path& vega_dir,
                         const std::filesystem::path& assets_dir) {
  files_["portal.js"] = {kScript, read_asset(assets_dir / "portal.js")};
  files_["portal.css"] = {"text/css; charset=utf-8", read_asset(assets_dir / "portal.css")};
  try {
    VegaScripts vega = load_vega_scripts(vega_dir);
    files_["vega.min.js"] = {kScript, std::move(vega.vega)};
    files_["vega-lite.min.js"] = {kScript, std::move(vega.vega_lite)};
    files_["vega-embed.min.js"] = {kScript, std::move(vega.vega_embed)};
    files_["vega-LICENSE.txt"] = {"text/plain; charset=utf-8", std::move(vega.license)};
  } catch (const InputError& e) {
    problems_.push_back(std::string("charts disabled: ") + e.what());
  }
}

const StaticFile* StaticFiles::find(const std::string& name) const {
  const auto it = files_.find(name);
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace qtb::serve
