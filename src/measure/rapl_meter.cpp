// RAPL through the powercap sysfs tree.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <vector>

#include "core/error.hpp"
#include "core/text.hpp"
#include "measure/power_meter.hpp"

namespace qtb {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_line(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  return line;
}

std::optional<double> read_number(const fs::path& file) {
  const auto line = read_line(file);
  if (!line) return std::nullopt;
  try {
    std::size_t used = 0;
    const double value = std::stod(*line, &used);
    return used > 0 ? std::optional<double>(value) : std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

struct Domain {
  std::string name;
  fs::path energy_file;
  double range_uj = 0;  // the counter wraps to 0 after this value
  double start_uj = 0;
};

class RaplMeter final : public PowerMeter {
 public:
  explicit RaplMeter(std::vector<Domain> domains) : domains_(std::move(domains)) {}

  std::string source() const override { return "rapl"; }
  std::string description() const override {
    std::vector<std::string> names;
    for (const Domain& d : domains_) names.push_back(d.name);
    return fmt::format("RAPL {}", fmt::join(names, " + "));
  }
  void begin() override {
    for (Domain& d : domains_) d.start_uj = read_number(d.energy_file).value_or(0);
    start_ = std::chrono::steady_clock::now();
  }
  std::optional<PowerReading> end(std::string& why) override {
    const auto stop = std::chrono::steady_clock::now();
    double total_uj = 0;
    for (const Domain& d : domains_) {
      const auto now_uj = read_number(d.energy_file);
      if (!now_uj) {
        why = "cannot read " + d.energy_file.string();
        return std::nullopt;
      }
      double delta = *now_uj - d.start_uj;
      if (delta < 0) delta += d.range_uj;  // wrapped once
      total_uj += delta;
    }
    return PowerReading{std::chrono::duration<double>(stop - start_).count(), total_uj * 1e-6};
  }

 private:
  std::vector<Domain> domains_;
  std::chrono::steady_clock::time_point start_;
};

std::optional<Domain> read_domain(const fs::path& dir) {
  const auto name = read_line(dir / "name");
  const auto range = read_number(dir / "max_energy_range_uj");
  if (!name || !range || !read_number(dir / "energy_uj")) return std::nullopt;
  return Domain{std::string(trim(*name)), dir / "energy_uj", *range, 0};
}

}  // namespace

std::unique_ptr<PowerMeter> make_rapl_meter(const fs::path& root) {
  std::vector<Domain> domains;
  std::error_code error;
  std::vector<fs::path> packages;
  for (const auto& entry : fs::directory_iterator(root, error)) {
    const std::string leaf = entry.path().filename().string();
    // Top-level zones are "intel-rapl:N" (AMD CPUs use the same driver name); subzones have a
    // second ":M" and are visited below, only for DRAM (core/uncore are inside the package).
    if (leaf.starts_with("intel-rapl:") && leaf.find(':', 11) == std::string::npos)
      packages.push_back(entry.path());
  }
  std::sort(packages.begin(), packages.end());
  for (const fs::path& package : packages) {
    const auto domain = read_domain(package);
    if (!domain || !domain->name.starts_with("package")) continue;
    domains.push_back(*domain);
    for (const auto& sub : fs::directory_iterator(package, error)) {
      if (!sub.path().filename().string().starts_with("intel-rapl:")) continue;
      const auto subdomain = read_domain(sub.path());
      if (subdomain && subdomain->name == "dram") {
        Domain dram = *subdomain;
        dram.name = domain->name + "/dram";
        domains.push_back(dram);
      }
    }
  }
  if (domains.empty())
    throw InputError(fmt::format(
        "no readable RAPL package counter under {} (needs read access to energy_uj; try "
        "--power none)",
        root.string()));
  return std::make_unique<RaplMeter>(std::move(domains));
}

}  // namespace qtb
