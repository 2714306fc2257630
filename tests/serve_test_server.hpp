#pragma once
// A portal server for the tests: the paper's 974 rows (and any extra rows) imported into a fresh
// store, served in-process on a free loopback port until the object is destroyed.
#include <httplib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "platform/catalog.hpp"
#include "report/vega_scripts.hpp"
#include "serve/server.hpp"
#include "store/import.hpp"
#include "store/result_store.hpp"
#include "test_paths.hpp"

namespace qtb::test {

// One of our rows whose free text is hostile: `platform` as given, markup in the notes. The
// pages must show both as text.
inline ResultRow planted_row(const std::string& platform) {
  ResultRow r;
  r.topology = "mlp";
  r.dataset = "mnist";
  r.precision = "INT8";
  r.platform = platform;
  r.backend = "reference";
  r.level = "L3";
  r.fps_compute = 1000;
  r.source = "ours";
  r.notes = "<script>alert(1)</script>";
  return r;
}

class TestPortal {
 public:
  TestPortal(const std::filesystem::path& db, const std::vector<ResultRow>& extra_rows = {}) {
    {
      ResultStore store(db);
      store.append(read_import_file(reference_dir() / "experimental_data.csv").rows);
      if (!extra_rows.empty()) store.append(extra_rows);
    }
    serve::ServeOptions options;
    options.db = db;
    options.catalog_dir = default_catalog_dir();
    options.vega_dir = default_vega_dir();
    options.listen = {"127.0.0.1", 0};
    options.access_log = false;
    server_ = std::make_unique<serve::PortalServer>(options);
    thread_ = std::thread([this] { server_->run(); });
  }
  ~TestPortal() {
    server_->stop();
    thread_.join();
  }
  TestPortal(const TestPortal&) = delete;
  TestPortal& operator=(const TestPortal&) = delete;

  int port() const { return server_->port(); }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port());
    c.set_read_timeout(30, 0);
    return c;
  }

 private:
  std::unique_ptr<serve::PortalServer> server_;
  std::thread thread_;
};

}  // namespace qtb::test
