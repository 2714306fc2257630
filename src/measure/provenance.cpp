#include "measure/provenance.hpp"

#include <unistd.h>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <chrono>
#include <ctime>

#include "platform/probe_system.hpp"

namespace qtb {
namespace {

std::string quoted(const std::string& argument) {
  if (!argument.empty() && argument.find_first_of(" \t\"'\\$") == std::string::npos)
    return argument;
  std::string out = "'";
  for (char c : argument) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

Provenance collect_provenance(const std::vector<std::string>& arguments) {
  Provenance p;
  char name[256] = {};
  p.host = gethostname(name, sizeof(name) - 1) == 0 ? name : "unknown";
  p.cpu_model = probe_detail::host_cpu_model();
  p.tool_version = QTB_VERSION;
  p.git_commit = QTB_GIT_COMMIT;
  for (const std::string& a : arguments)
    p.command_line += (p.command_line.empty() ? "" : " ") + quoted(a);
  return p;
}

std::string utc_timestamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(now));
}

void stamp(ResultRow& row, const Provenance& provenance) {
  row.source = "ours";
  row.host = provenance.host;
  row.cpu_model = provenance.cpu_model;
  row.tool_version = provenance.tool_version;
  row.git_commit = provenance.git_commit;
  row.command_line = provenance.command_line;
  row.created_at = utc_timestamp();
}

}  // namespace qtb
