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
int run_node(std::vector<std::string> args, const std::string& requested_by) {
  args.insert(args.begin(), "node");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int error = posix_spawnp(&pid, "node", nullptr, nullptr, argv.data(), environ);
  if (error == ENOENT)
    throw InputError(requested_by + " needs node (Node.js) on PATH to run vega; install nodejs");
  if (error != 0) throw std::system_error(error, std::generic_category(), "cannot start node");
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "waitpid node");
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct ChartFile {
  const ReportChart* chart;
  std::filesystem::path file;
};

// The renderer script, once the clear "run scripts/setup.sh" error had its chance: checked before
// any file is made and before node starts.
std::filesystem::path svg_renderer(const std::filesystem::path& vega_dir) {
  load_vega_scripts(vega_dir);
  std::filesystem::path renderer = report_assets_dir() / "render-svg.js";
  if (!std::filesystem::exists(renderer))
    throw InputError(fmt::format("missing {} (part of the source tree)", renderer.string()));
  return renderer;
}

// `specs_file`: where the specs are handed to node (removed afterwards).
void render_svgs(const std::vector<ChartFile>& charts, const std::filesystem::path& renderer,
                 const std::filesystem::path& specs_file, const std::filesystem::path& vega_dir,
                 const std::string& requested_by) {
  nlohmann::json entries = nlohmann::json::array();
  for (const ChartFile& c : charts)
    entries.push_back({{"id", c.chart->id}, {"file", c.file.string()}, {"spec", c.chart->spec}});
  write_file_atomically(specs_file, entries.dump());
  const int status =
      run_node({renderer.string(), specs_file.string(), vega_dir.string()}, requested_by);
  std::error_code ec;
  std::filesystem::remove(specs_file, ec);
  if (status != 0)
    throw InputError(fmt::format("rendering the charts to SVG failed (node exited {})", status));
}

}  // namespace

std::vector<std::filesystem::path> write_report_svgs(const Report& report,
                                                     const std::filesystem::path& dir,
                                                     const std::filesystem::path& vega_dir) {
  const std::filesystem::path renderer = svg_renderer(vega_dir);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw InputError(fmt::format("cannot create output directory {}", dir.string()));
  std::vector<ChartFile> charts;
  for (const ReportChart& chart : report.charts)
    charts.push_back({&chart, dir / (chart.id + ".svg")});
  render_svgs(charts, renderer, dir / ".qutibench-charts.json", vega_dir, "--format svg");
  std::vector<std::filesystem::path> files;
  for (const ChartFile& c : charts) files.push_back(c.file);
  return files;
}

void write_chart_svg(const ReportChart& chart, const std::filesystem::path& file,
                     const std::filesystem::path& vega_dir, const std::string& requested_by) {
  const std::filesystem::path specs =
      file.parent_path() / ("." + file.filename().string() + ".qutibench-chart.json");
  render_svgs({{&chart, file}}, svg_renderer(vega_dir), specs, vega_dir, requested_by);
}

}  // namespace qtb
