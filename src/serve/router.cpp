#include "serve/router.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "serve/api.hpp"
#include "serve/pages.hpp"

namespace qtb::serve {
namespace {

Response static_file(const StaticFiles& files, const std::string& name) {
  const StaticFile* file = files.find(name);
  if (!file) throw NotFound("no static file " + quote_value(name, 40));
  return {200, file->content_type, file->body, {{"Cache-Control", "public, max-age=3600"}}};
}

Response dispatch(PortalData& data, const StaticFiles& files, const Request& request,
                  const QueryParams& params) {
  if (request.path.starts_with("/static/")) return static_file(files, request.path.substr(8));
  return handle_page(data, request.path, params);
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& security_headers() {
  // vega compiles its expressions and field accessors with Function(): 'unsafe-eval' is the one
  // exception it needs; scripts still come only from this server, never inline.
  static const std::vector<std::pair<std::string, std::string>> headers{
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Resource-Policy", "same-origin"}};
  return headers;
}

Response route(PortalData& data, const StaticFiles& files, const Request& request) {
  const bool api = request.path.starts_with("/api/");
  const auto error = [api](int status, const std::string& message) {
    return api ? json_error(status, message) : html_error(status, message);
  };
  if (request.method != "GET" && request.method != "HEAD")
    return error(405, "method " + quote_value(request.method, 12) + " not allowed (GET only)");
  try {
    const QueryParams params(request.params, request.query_bytes);
    if (api) {
      const bool accepts_csv = request.accept.find("text/csv") != std::string::npos;
      return handle_api(data, request.path, params, accepts_csv);
    }
    return dispatch(data, files, request, params);
  } catch (const InputError& e) {
    return error(400, e.what());
  } catch (const NotFound& e) {
    return error(404, e.what());
  } catch (const std::exception& e) {
    fmt::print(stderr, "serve: internal error on {}: {}\n", request.path, e.what());
    return error(500, "internal error");
  }
}

}  // namespace qtb::serve
