#include "report/report_svg.hpp"

#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <system_error>

#include "core/error.hpp"
#include "core/file.hpp"
#include "report/vega_scripts.hpp"

extern char** environ;

namespace qtb {
namespace {

// Runs `node ARGS...` (found on PATH), its output passed through; returns its exit status.
int run_node(std::vector<std::string> args) {
  args.insert(args.begin(), "node");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int error = posix_spawnp(&pid, "node", nullptr, nullptr, argv.data(), environ);
  if (error == ENOENT)
    throw InputError("--format svg needs node (Node.js) on PATH to run vega; install nodejs");
  if (error != 0) throw std::system_error(error, std::generic_category(), "cannot start node");
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "waitpid node");
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::vector<std::filesystem::path> write_report_svgs(const Report& report,
                                                     const std::filesystem::path& dir,
                                                     const std::filesystem::path& vega_dir) {
  load_vega_scripts(vega_dir);  // the clear "run scripts/setup.sh" error before node starts
  const std::filesystem::path renderer = report_assets_dir() / "render-svg.js";
  if (!std::filesystem::exists(renderer))
    throw InputError(fmt::format("missing {} (part of the source tree)", renderer.string()));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw InputError(fmt::format("cannot create output directory {}", dir.string()));

  nlohmann::json charts = nlohmann::json::array();
  for (const ReportChart& chart : report.charts)
    charts.push_back({{"id", chart.id}, {"spec", chart.spec}});
  const std::filesystem::path specs = dir / ".qutibench-charts.json";
  write_file_atomically(specs, charts.dump());
  const int status = run_node({renderer.string(), specs.string(), dir.string(), vega_dir.string()});
  std::filesystem::remove(specs, ec);
  if (status != 0)
    throw InputError(fmt::format("rendering the charts to SVG failed (node exited {})", status));

  std::vector<std::filesystem::path> files;
  for (const ReportChart& chart : report.charts) files.push_back(dir / (chart.id + ".svg"));
  return files;
}

}  // namespace qtb
