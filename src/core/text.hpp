#pragma once
// Small string helpers shared by the parsers of options and files.
#include <string>
#include <string_view>
#include <vector>

namespace qtb {

std::string to_upper(std::string_view text);
std::string to_lower(std::string_view text);
std::string_view trim(std::string_view text);
// Splits "a,b, c" into {"a","b","c"}; empty items are dropped.
std::vector<std::string> split_list(std::string_view text, char separator = ',');
// Formats a double with the shortest representation that round-trips ("0.125", "1", "1e+12").
std::string format_number(double value);
// A value for an error message: in single quotes, control characters and bytes that are not UTF-8
// escaped (\xHH), and cut to at most `max_chars` characters (never inside one) with "...", so a
// message stays one short line of valid UTF-8 whatever the input was.
std::string quote_value(std::string_view value, std::size_t max_chars = 40);

}  // namespace qtb
