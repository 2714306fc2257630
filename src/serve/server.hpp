#pragma once
// `qutibench serve`: an HTTP server (cpp-httplib) over one store opened for reading. Every
// request goes through serve/router; every answer carries the security headers; the access log
// (stderr) says method, path, status and milliseconds, never the query (it may hold tokens).
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "serve/listen_address.hpp"

namespace httplib {
class Server;
}

namespace qtb::serve {

class PortalData;
class StaticFiles;

struct ServeOptions {
  std::filesystem::path db;
  std::filesystem::path catalog_dir;
  std::filesystem::path vega_dir;
  ListenAddress listen{"127.0.0.1", 8080};
  bool access_log = true;
};

class PortalServer {
 public:
  // Opens the store for reading and loads the catalog and static files; binds the address.
  // Throws InputError for a store that cannot be read or an address that cannot be bound.
  explicit PortalServer(const ServeOptions& options);
  ~PortalServer();
  PortalServer(const PortalServer&) = delete;
  PortalServer& operator=(const PortalServer&) = delete;

  int port() const { return port_; }
  std::string url() const;
  // Serves until stop(); returns when the last request has been answered.
  void run();
  // From any thread (not a signal handler).
  void stop();
  // Start-up warnings (e.g. vega missing: pages without charts).
  std::vector<std::string> problems() const;

 private:
  ServeOptions options_;
  std::unique_ptr<PortalData> data_;
  std::unique_ptr<StaticFiles> files_;
  std::unique_ptr<httplib::Server> http_;
  int port_ = 0;
};

}  // namespace qtb::serve
