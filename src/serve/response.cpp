#include "serve/response.hpp"

#include <nlohmann/json.hpp>

#include "report/report_tables.hpp"

namespace qtb::serve {

Response json_error(int status, const std::string& message) {
  // dump() escapes control characters, so a message quoting user input stays one line; bytes
  // that are not UTF-8 (quote_value escapes them; other text might not) become U+FFFD.
  return {status,
          "application/json",
          nlohmann::json{{"error", message}}.dump(-1, ' ', false,
                                                  nlohmann::json::error_handler_t::replace) +
              "\n",
          {}};
}

Response html_error(int status, const std::string& message) {
  return {status,
          "text/html; charset=utf-8",
          "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error " +
              std::to_string(status) +
              "</title><link rel=\"stylesheet\" href=\"/static/portal.css\"></head><body><main>"
              "<h1>Error " +
              std::to_string(status) + "</h1><p class=\"error\">" + html_escape(message) +
              "</p><p><a href=\"/\">qutibench portal</a></p></main></body></html>\n",
          {}};
}

}  // namespace qtb::serve
