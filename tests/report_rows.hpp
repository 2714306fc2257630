#pragma once
// A small, fully known set of rows for the report tests: the paper's MLP (MNIST) and CNV
// (CIFAR-10) on TX2 maxn and ZCU104-FINN, and our MLP on this machine ('host', which the test
// catalog leaves out on purpose). Figures are made up but consistent; what the tests check is
// how they travel into the charts, not the figures themselves.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/data_dir.hpp"
#include "measure/result_row.hpp"

namespace qtb::test {

inline ResultRow report_row(const std::string& source, const std::string& topology,
                            const std::string& platform, const std::string& op_mode,
                            const std::string& precision, double prune, std::int64_t batch,
                            double fps, std::optional<double> top1, std::optional<double> power_w) {
  ResultRow r;
  r.source = source;
  r.topology = topology;
  r.dataset = topology == "mlp" ? "mnist" : "cifar10";
  r.platform = platform;
  r.op_mode = op_mode;
  r.precision = precision;
  r.prune = prune;
  r.batch = batch;
  r.level = "L3";
  r.fps_compute = fps;
  r.latency_compute_ms.mean = 1000.0 * static_cast<double>(batch) / fps;
  r.top1 = top1;
  if (top1) r.accuracy_source = source == "paper" ? "reported" : "measured";
  r.power_full_w = power_w;
  if (power_w) r.power_source = "reported";
  return r;
}

// 4 paper MNIST rows (all with power), 2 paper CIFAR-10 rows, 4 of our MNIST rows (no power; the
// unpruned two with stored predictions; FP32/INT8 x 100%/50%, so one orthogonality quadruple),
// 1 invalid row that every analysis must ignore.
inline std::vector<ResultRow> report_rows() {
  std::vector<ResultRow> rows{
      report_row("paper", "mlp", "ZCU104-FINN", "default", "INT2", 0.125, 1, 1e6, 96.85, 14.1),
      report_row("paper", "mlp", "ZCU104-FINN", "default", "INT2", 1, 1, 2e5, 98.4, 14.5),
      report_row("paper", "mlp", "TX2", "maxn", "FP16", 1, 1, 2000, 98.4, 9.0),
      report_row("paper", "mlp", "TX2", "maxn", "FP16", 1, 8, 9000, 98.4, 10.0),
      report_row("paper", "cnv", "TX2", "maxn", "FP16", 1, 1, 400, 84.2, 9.5),
      report_row("paper", "cnv", "ZCU104-FINN", "default", "INT2", 1, 1, 7000, 79.2, 12.0),
      report_row("ours", "mlp", "host", "default", "FP32", 1, 1, 3000, 98.2, std::nullopt),
      report_row("ours", "mlp", "host", "default", "INT8", 1, 1, 9000, 98.1, std::nullopt),
      report_row("ours", "mlp", "host", "default", "FP32", 0.5, 1, 5000, 98.0, std::nullopt),
      report_row("ours", "mlp", "host", "default", "INT8", 0.5, 1, 14000, 97.9, std::nullopt),
  };
  rows[6].predicted_fps = 6000;
  rows[7].predicted_fps = 18000;
  ResultRow invalid =
      report_row("ours", "mlp", "host", "default", "INT8", 0.5, 1, 1e9, 99.9, std::nullopt);
  invalid.valid = false;
  invalid.invalid_reason = "test: must not appear";
  rows.push_back(invalid);
  return rows;
}

// The shipped catalog without any host.toml a probe may have left there, so the tests see the
// same nine platforms everywhere.
inline std::filesystem::path report_test_catalog(const std::filesystem::path& dir) {
  const std::filesystem::path catalog = dir / "catalog";
  std::filesystem::create_directories(catalog);
  for (const auto& entry : std::filesystem::directory_iterator(qtb::data_dir() / "platforms"))
    if (entry.path().extension() == ".toml" && entry.path().filename() != "host.toml")
      std::filesystem::copy_file(entry.path(), catalog / entry.path().filename(),
                                 std::filesystem::copy_options::overwrite_existing);
  return catalog;
}

}  // namespace qtb::test
