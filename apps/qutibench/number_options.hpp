#pragma once
// Numeric options that refuse what CLI11's own checks let through or describe badly: NaN,
// infinities, junk and values out of range each give one line naming the option, the value and
// the range in words ("--min-seconds = nan is out of range: must be a number from 0 to 86400
// seconds"), as an InputError (exit 2), before any command runs.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "core/limits.hpp"

namespace qtb::app {

// A real number in `range`.
CLI::Option* add_number_option(CLI::App* command, const std::string& names, double& value,
                               const NumberRange& range, const std::string& description);
// A whole number in `range`.
CLI::Option* add_count_option(CLI::App* command, const std::string& names, std::int64_t& value,
                              const CountRange& range, const std::string& description);
CLI::Option* add_count_option(CLI::App* command, const std::string& names, int& value,
                              const CountRange& range, const std::string& description);
// Threads, 1 to this machine's hardware threads (check_threads); with `zero_means_all`, 0 too.
CLI::Option* add_threads_option(CLI::App* command, const std::string& names, int& value,
                                bool zero_means_all, const std::string& description);
// A seed: any unsigned 64-bit number, 0 to 18446744073709551615 (a negative one is refused,
// not wrapped around).
CLI::Option* add_seed_option(CLI::App* command, const std::string& names, std::uint64_t& value,
                             const std::string& description);

}  // namespace qtb::app
