#pragma once
// Every request's way to its answer: /api/v1/... (JSON or CSV), /static/... (scripts, styles)
// or a page. Bad input is a 400 with one line saying why, an unknown path a 404, a method other
// than GET or HEAD a 405; an internal failure is a 500 that names no detail of the request.
#include <map>
#include <string>

#include "serve/portal_data.hpp"
#include "serve/response.hpp"
#include "serve/static_files.hpp"

namespace qtb::serve {

struct Request {
  std::string method = "GET";
  std::string path;                                // decoded, without the query
  std::multimap<std::string, std::string> params;  // decoded
  std::size_t query_bytes = 0;                     // the raw query's length
  std::string accept;                              // the Accept header
};

Response route(PortalData& data, const StaticFiles& files, const Request& request);

// The headers every answer carries: a Content-Security-Policy that runs only the server's own
// scripts (no inline script), nosniff, no framing, no referrer.
const std::vector<std::pair<std::string, std::string>>& security_headers();

}  // namespace qtb::serve
