#pragma once
// Strict number parsing for importers: the whole text must be the number (no trailing junk, no
// surrounding spaces), and NaN or infinity are refused. Returns nullopt when the text is not one.
#include <cstdint>
#include <optional>
#include <string_view>

namespace qtb {

std::optional<double> parse_double(std::string_view text);
std::optional<std::int64_t> parse_int64(std::string_view text);

}  // namespace qtb
