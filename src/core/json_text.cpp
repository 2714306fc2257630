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

std::string dump_with_list(nlohmann::json document, const std::string& key, std::size_t count,
                           const std::function<nlohmann::json(std::size_t)>& item) {
  if (count == 0) {
    document[key] = nlohmann::json::array();
    return document.dump(1);
  }
  // nlohmann places the key (objects keep their keys sorted); a marker holds its place. The
  // document's other values are the caller's own few fields, never the marker.
  static const std::string kMarker = "\x01qtb-list\x01";
  document[key] = kMarker;
  const std::string head = document.dump(1);
  const std::string quoted_marker = nlohmann::json(kMarker).dump();
  const std::size_t at = head.find(quoted_marker);
  std::string out = head.substr(0, at) + "[\n";
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) out += ",\n";
    // The list is a value of the top-level object: its items are indented by two.
    const std::string text = item(i).dump(1);
    out += "  ";
    for (const char c : text) {
      out += c;
      if (c == '\n') out += "  ";
    }
  }
  out += "\n ]";
  out.append(head, at + quoted_marker.size());
  return out;
}

}  // namespace qtb
