#pragma once
// Parses a JSON document with the limits of core/limits.hpp: nesting depth (checked by a scan
// before nlohmann builds anything), numbers that fit a double (1e999 is refused, not an internal
// error). Every failure is one InputError line: "<what>: <reason>", with the offending text quoted
// short.
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

}  // namespace qtb
