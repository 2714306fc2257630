#include "core/json_text.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace qtb {

// nlohmann's parser is iterative, but the readers that walk the tree are recursive: a scan keeps
// the depth bounded for all of them at the cost of one pass over the bytes.
int json_nesting_depth(std::string_view text, int stop_above) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > stop_above) break;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

nlohmann::json parse_json(std::string_view text, std::string_view what, int max_depth) {
  if (json_nesting_depth(text, max_depth) > max_depth) {
    throw InputError(fmt::format("{}: JSON nested more than {} levels deep", what, max_depth));
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // nlohmann's messages quote the token it stopped at; keep the line short whatever the file.
    std::string reason = e.what();
    if (const auto pos = reason.find("] "); pos != std::string::npos) reason.erase(0, pos + 2);
    if (reason.size() > 160) reason = reason.substr(0, 157) + "...";
    throw InputError(fmt::format("{}: not valid JSON ({})", what, reason));
  }
}

}  // namespace qtb
