#pragma once
// One HTTP answer as data, so routing and rendering are tested without sockets; server.cpp
// hands it to httplib.
#include <string>
#include <utility>
#include <vector>

namespace qtb::serve {

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // beyond the security headers
};

// The one-line JSON error document every failing API request gets: {"error": "..."}.
Response json_error(int status, const std::string& message);
// An HTML page's error: the same message, escaped, in a minimal page.
Response html_error(int status, const std::string& message);

// 404: the path names no route, no row, no analysis.
class NotFound : public std::exception {
 public:
  explicit NotFound(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

}  // namespace qtb::serve
