#include "serve/server.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <chrono>
#include <mutex>

#include "core/error.hpp"
#include "core/text.hpp"
#include "serve/portal_data.hpp"
#include "serve/router.hpp"
#include "serve/serve_limits.hpp"
#include "serve/static_files.hpp"

namespace qtb::serve {
namespace {

std::size_t query_length(const httplib::Request& request) {
  const std::size_t mark = request.target.find('?');
  return mark == std::string::npos ? 0 : request.target.size() - mark - 1;
}

void send(const Response& response, httplib::Response& out) {
  out.status = response.status;
  for (const auto& [name, value] : security_headers()) out.set_header(name, value);
  for (const auto& [name, value] : response.headers) out.set_header(name, value);
  out.set_content(response.body, response.content_type);
}

std::string refusal_reason(int status) {
  switch (status) {
    case 400:
      return "malformed request";
    case 404:
      return "not found";
    case 413:
      return "request too large";
    case 414:
      return "URI too long";
    default:
      return "request refused";
  }
}

}  // namespace

PortalServer::PortalServer(const ServeOptions& options)
    : options_(options),
      data_(std::make_unique<PortalData>(options.db, options.catalog_dir)),
      files_(std::make_unique<StaticFiles>(options.vega_dir, portal_assets_dir())),
      http_(std::make_unique<httplib::Server>()) {
  http_->new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  const auto handle = [this](const httplib::Request& in, httplib::Response& out) {
    const auto start = std::chrono::steady_clock::now();
    Request request;
    request.method = in.method;
    request.path = in.path;
    request.params = in.params;
    request.query_bytes = query_length(in);
    request.accept = in.get_header_value("Accept");
    send(route(*data_, *files_, request), out);
    if (options_.access_log) {
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      // One write per line, so lines of concurrent requests do not interleave.
      const std::string line = fmt::format("serve: {} {} {} {:.1f} ms\n", in.method,
                                           quote_value(in.path, 120), out.status, ms);
      std::fwrite(line.data(), 1, line.size(), stderr);
    }
  };
  http_->Get(".*", handle);
  http_->Post(".*", handle);
  http_->Put(".*", handle);
  http_->Delete(".*", handle);
  http_->Patch(".*", handle);
  http_->Options(".*", handle);
  // What httplib answers by itself (a malformed request, a URI over its limit) gets the same
  // one-line JSON error and the security headers.
  http_->set_error_handler([](const httplib::Request&, httplib::Response& out) {
    if (!out.body.empty()) return;
    const int status = out.status;
    send(json_error(status, fmt::format("HTTP {}: {}", status, refusal_reason(status))), out);
    out.status = status;
  });
  port_ =
      options_.listen.port == 0
          ? http_->bind_to_any_port(options_.listen.host)
          : (http_->bind_to_port(options_.listen.host, options_.listen.port) ? options_.listen.port
                                                                             : -1);
  if (port_ <= 0) {
    throw InputError(fmt::format("cannot listen on {}:{} (address in use or not this machine's)",
                                 options_.listen.host, options_.listen.port));
  }
}

PortalServer::~PortalServer() = default;

std::string PortalServer::url() const {
  return fmt::format("http://{}:{}/", options_.listen.host, port_);
}

void PortalServer::run() {
  http_->listen_after_bind();
}

void PortalServer::stop() {
  http_->stop();
}

std::vector<std::string> PortalServer::problems() const {
  return files_->problems();
}

}  // namespace qtb::serve
