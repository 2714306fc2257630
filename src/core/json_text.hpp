#pragma once
// Parses a JSON document with the limits of core/limits.hpp: nesting depth (checked by a scan
// before nlohmann builds anything), numbers that fit a double (1e999 is refused, not an internal
// error). Every failure is one InputError line: "<what>: <reason>", with the offending text quoted
// short.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/limits.hpp"

namespace qtb {

nlohmann::json parse_json(std::string_view text, std::string_view what,
                          int max_depth = kMaxJsonDepth);

// The deepest nesting of arrays and objects in `text` (strings skipped), stopping early once it
// exceeds `stop_above`; malformed text is left for the parser to report.
int json_nesting_depth(std::string_view text, int stop_above);

// Exactly the text of `document.dump(1)` after `document[key] = [item(0), ..., item(count - 1)]`,
// but made one item at a time: a listing of a million rows never holds the whole tree (a few GB
// of nodes) in memory. `document` is an object without `key`.
std::string dump_with_list(nlohmann::json document, const std::string& key, std::size_t count,
                           const std::function<nlohmann::json(std::size_t)>& item);

}  // namespace qtb
