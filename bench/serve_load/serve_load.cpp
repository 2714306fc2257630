// The portal under load on loopback: a store of N rows (default 100k: the paper's 974 replicated
// with varied batch), the server in-process on a free port, C concurrent clients (default 50) for
// S seconds (default 30) alternating /api/v1/rows?limit=100 and /api/v1/analyses/pareto. Prints
// each route's first (cold) answer, then requests, errors and p50/p99 latency per route.
// Bounded: it stops by itself.
#include <fmt/format.h>
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "platform/catalog.hpp"
#include "report/vega_scripts.hpp"
#include "serve/server.hpp"
#include "store/import.hpp"
#include "store/result_store.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double percentile(std::vector<double> ms, double p) {
  if (ms.empty()) return 0;
  std::sort(ms.begin(), ms.end());
  return ms[static_cast<std::size_t>(p * static_cast<double>(ms.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"qutibench portal load test (loopback, bounded)"};
  std::size_t rows = 100000;
  int clients = 50;
  double seconds = 30;
  std::string reference = "data/reference/qutibench-web/experimental_data.csv";
  std::string work = (fs::temp_directory_path() / "qtb_serve_load").string();
  app.add_option("--rows", rows, "rows in the store")->check(CLI::Range(1, 10000000));
  app.add_option("--clients", clients, "concurrent clients")->check(CLI::Range(1, 500));
  app.add_option("--seconds", seconds, "how long")->check(CLI::Range(1.0, 600.0));
  app.add_option("--reference", reference, "the paper's experimental_data.csv");
  app.add_option("--work", work, "directory for the store (emptied)");
  CLI11_PARSE(app, argc, argv);

  fs::remove_all(work);
  fs::create_directories(work);
  const fs::path db = fs::path(work) / "results.db";
  {
    const auto paper = qtb::read_import_file(reference).rows;
    std::vector<qtb::ResultRow> all;
    all.reserve(rows);
    for (std::size_t i = 0; all.size() < rows; ++i) {
      qtb::ResultRow r = paper[i % paper.size()];
      r.batch += static_cast<std::int64_t>(i / paper.size()) * 1000;  // distinct content per copy
      all.push_back(std::move(r));
    }
    const auto start = Clock::now();
    qtb::ResultStore(db).append(all);
    fmt::print("store: {} rows in {:.1f} s\n", rows,
               std::chrono::duration<double>(Clock::now() - start).count());
  }
  std::fflush(stdout);
  qtb::serve::ServeOptions options;
  options.db = db;
  options.catalog_dir = qtb::default_catalog_dir();
  options.vega_dir = qtb::default_vega_dir();
  options.listen = {"127.0.0.1", 0};
  options.access_log = false;
  qtb::serve::PortalServer server(options);
  std::thread http([&server] { server.run(); });

  const std::vector<std::string> routes{"/api/v1/rows?limit=100", "/api/v1/analyses/pareto"};
  // The first answer of each route computes and caches its selection and analysis for this
  // store state (seconds on 100k rows); it is timed and printed apart from the steady state.
  {
    httplib::Client client("127.0.0.1", server.port());
    client.set_read_timeout(600, 0);
    for (const std::string& route : routes) {
      const auto start = Clock::now();
      const auto result = client.Get(route);
      fmt::print("{}: first (cold) answer {} in {:.0f} ms\n", route,
                 result ? std::to_string(result->status) : "failed",
                 std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    std::fflush(stdout);
  }
  std::mutex mutex;
  std::vector<std::vector<double>> latencies(routes.size());
  std::vector<std::size_t> errors(routes.size(), 0);
  const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
  std::vector<std::thread> workers;
  for (int c = 0; c < clients; ++c) {
    workers.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", server.port());
      client.set_keep_alive(true);
      client.set_read_timeout(60, 0);
      std::vector<std::vector<double>> mine(routes.size());
      std::vector<std::size_t> failed(routes.size(), 0);
      for (std::size_t n = static_cast<std::size_t>(c); Clock::now() < deadline; ++n) {
        const std::size_t route = n % routes.size();
        const auto start = Clock::now();
        const auto result = client.Get(routes[route]);
        mine[route].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        if (!result || result->status != 200) ++failed[route];
      }
      const std::lock_guard lock(mutex);
      for (std::size_t r = 0; r < routes.size(); ++r) {
        latencies[r].insert(latencies[r].end(), mine[r].begin(), mine[r].end());
        errors[r] += failed[r];
      }
    });
  }
  for (auto& worker : workers) worker.join();
  server.stop();
  http.join();
  for (std::size_t r = 0; r < routes.size(); ++r) {
    fmt::print("{}: {} requests ({:.0f}/s), {} errors, p50 {:.1f} ms, p99 {:.1f} ms\n", routes[r],
               latencies[r].size(), static_cast<double>(latencies[r].size()) / seconds, errors[r],
               percentile(latencies[r], 0.5), percentile(latencies[r], 0.99));
  }
  fs::remove_all(work);
  return 0;
}
