#pragma once
// Where a row came from: the machine, the tool's version and commit, the command line and the time.
#include <string>
#include <vector>

#include "measure/result_row.hpp"

namespace qtb {

struct Provenance {
  std::string host;  // the machine's host name
  std::string cpu_model;
  std::string tool_version;
  std::string git_commit;
  std::string command_line;  // as typed, arguments quoted where needed
};

Provenance collect_provenance(const std::vector<std::string>& arguments);
// Now, as ISO 8601 UTC: "2026-11-23T10:04:05Z".
std::string utc_timestamp();
// Fills the row's provenance columns (source "ours", created_at now).
void stamp(ResultRow& row, const Provenance& provenance);

}  // namespace qtb
