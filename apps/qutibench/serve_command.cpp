// `qutibench serve`: the web portal over a store, read-only (src/serve, docs/portal.md). Thin:
// parses the options, starts the server, stops it on SIGINT or SIGTERM.
#include <fmt/format.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <thread>

#include "commands.hpp"
#include "platform/catalog.hpp"
#include "report/vega_scripts.hpp"
#include "serve/listen_address.hpp"
#include "serve/server.hpp"

namespace qtb::app {

void register_serve(CLI::App& app) {
  struct Options {
    std::string db = "results.db";
    std::string listen = "127.0.0.1:8080";
    std::string catalog;
    std::string vega_dir;
    bool quiet = false;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "serve", "the web portal: pages and the JSON API over a result store, read-only");
  command->add_option("--db", o->db, "result database (SQLite), opened read-only")
      ->capture_default_str();
  command
      ->add_option("--listen", o->listen,
                   "HOST:PORT to listen on; port 0 picks a free one (the URL is printed)")
      ->capture_default_str();
  command->add_option("--catalog", o->catalog,
                      "platform catalog directory (default: $QUTIBENCH_CATALOG or data/platforms)");
  command->add_option(
      "--vega-dir", o->vega_dir,
      "the vendored vega bundles (default: $QUTIBENCH_VEGA_DIR or data/cache/vega-js)");
  command->add_flag("--quiet", o->quiet, "no access log");
  command->callback([o] {
    const auto start = std::chrono::steady_clock::now();
    serve::ServeOptions options;
    options.db = o->db;
    options.listen = serve::parse_listen_address(o->listen);
    options.catalog_dir =
        o->catalog.empty() ? default_catalog_dir() : std::filesystem::path(o->catalog);
    options.vega_dir =
        o->vega_dir.empty() ? default_vega_dir() : std::filesystem::path(o->vega_dir);
    options.access_log = !o->quiet;
    // The signals are taken by this thread's sigwait, not by a handler: stopping the server is
    // not async-signal-safe. Blocked before any server thread starts, so they inherit the mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    serve::PortalServer server(options);
    for (const std::string& problem : server.problems()) fmt::print(stderr, "serve: {}\n", problem);
    std::thread http([&server] { server.run(); });
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    fmt::print(stderr, "serve: {} read-only, started in {:.0f} ms\n", o->db, ms);
    // stdout carries the URL alone, so scripts and tests can read the port that was picked.
    fmt::print("{}\n", server.url());
    std::fflush(stdout);
    int received = 0;
    sigwait(&signals, &received);
    fmt::print(stderr, "serve: {} received, stopping\n", received == SIGINT ? "SIGINT" : "SIGTERM");
    server.stop();
    http.join();
  });
}

}  // namespace qtb::app
