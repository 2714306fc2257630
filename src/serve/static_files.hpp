#pragma once
// The files served under /static/: the vendored vega, vega-lite and vega-embed bundles the report
// uses (report/vega_scripts.hpp; no CDN, nothing fetched at view time) and the portal's own
// script and style sheet (data/serve/). Read once at start-up.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace qtb::serve {

struct StaticFile {
  std::string content_type;
  std::string body;
};

class StaticFiles {
 public:
  // Missing vega bundles are a warning in `problems` (pages then draw no charts); missing
  // portal assets throw InputError (they are part of the source tree).
  StaticFiles(const std::filesystem::path& vega_dir, const std::filesystem::path& assets_dir);

  const StaticFile* find(const std::string& name) const;
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::map<std::string, StaticFile> files_;
  std::vector<std::string> problems_;
};

// data/serve of the source tree.
std::filesystem::path portal_assets_dir();

}  // namespace qtb::serve
