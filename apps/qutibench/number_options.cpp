#include "number_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <string_view>

#include "core/error.hpp"
#include "core/parse_number.hpp"
#include "core/text.hpp"

namespace qtb::app {
namespace {

constexpr std::uint64_t kMaxSeed = std::numeric_limits<std::uint64_t>::max();

// The checks throw InputError from inside CLI11's parse: CLI11 passes on everything but its own
// ValidationError, and main prints an InputError as it is, without CLI11's "NAME: " prefix and
// "(see --help)" suffix, so the line reads like every other bad-input line.
CLI::Option* checked(CLI::Option* option, const std::string& help,
                     std::function<void(const std::string& name, std::string_view text)> check) {
  const std::string name = option->get_name();
  return option->check(CLI::Validator(
      [name, check = std::move(check)](std::string& text) {
        check(name, text);
        return std::string();
      },
      help));
}

bool is_whole_number_text(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

// The value as typed: a short whole number as it is, anything else quoted and cut short.
std::string shown(std::string_view text) {
  return is_whole_number_text(text) && text.size() <= 24 ? std::string(text) : quote_value(text);
}

std::int64_t parse_count(const std::string& name, std::string_view text, const CountRange& range) {
  const auto value = parse_int64(text);
  if (!value) {
    // Digits that overflow 64 bits are a number out of range, anything else is not a number.
    throw InputError(
        fmt::format("{} = {} {}: {}", name, shown(text),
                    is_whole_number_text(text) ? "is out of range" : "is not a whole number",
                    range_words(range.min, range.max, range.unit)));
  }
  check_range(name, *value, range.min, range.max, range.unit);
  return *value;
}

std::string number_help(const NumberRange& range) {
  return fmt::format("{} to {}{}{}", range.min, range.max, range.unit.empty() ? "" : " ",
                     range.unit);
}

std::string count_help(const CountRange& range) {
  return fmt::format("{} to {}{}{}", range.min, range.max, range.unit.empty() ? "" : " ",
                     range.unit);
}

template <class Integer>
CLI::Option* add_count(CLI::App* command, const std::string& names, Integer& value,
                       const CountRange& range, const std::string& description) {
  return checked(command->add_option(names, value, description)->capture_default_str(),
                 count_help(range), [range](const std::string& name, std::string_view text) {
                   (void)parse_count(name, text, range);
                 });
}

}  // namespace

CLI::Option* add_number_option(CLI::App* command, const std::string& names, double& value,
                               const NumberRange& range, const std::string& description) {
  return checked(
      command->add_option(names, value, description)->capture_default_str(), number_help(range),
      [range](const std::string& name, std::string_view text) {
        if (const auto parsed = parse_double(text)) {
          check_number(name, *parsed, range.min, range.max, range.unit);
          return;
        }
        // parse_double refuses NaN and infinities; from_chars tells them (and numbers too large
        // or too small for a double) apart from text that is no number at all.
        std::string_view digits = text;
        if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
        double raw = 0;
        const char* end = digits.data() + digits.size();
        const auto result = std::from_chars(digits.data(), end, raw);
        if (!digits.empty() && result.ptr == end && result.ec == std::errc())
          check_number(name, raw, range.min, range.max, range.unit);  // nan, inf: refused
        const bool number = !digits.empty() && result.ptr == end;
        throw InputError(fmt::format("{} = {} {}: {}", name, quote_value(text),
                                     number ? "is out of range" : "is not a number",
                                     number_range_words(range.min, range.max, range.unit)));
      });
}

CLI::Option* add_count_option(CLI::App* command, const std::string& names, std::int64_t& value,
                              const CountRange& range, const std::string& description) {
  return add_count(command, names, value, range, description);
}

CLI::Option* add_count_option(CLI::App* command, const std::string& names, int& value,
                              const CountRange& range, const std::string& description) {
  return add_count(command, names, value, range, description);
}

CLI::Option* add_threads_option(CLI::App* command, const std::string& names, int& value,
                                bool zero_means_all, const std::string& description) {
  const std::string help = fmt::format("{} to {} threads", zero_means_all ? 0 : 1, max_threads());
  return checked(command->add_option(names, value, description)->capture_default_str(), help,
                 [zero_means_all](const std::string& name, std::string_view text) {
                   const std::string all = zero_means_all ? ", or 0 for all of them" : "";
                   const auto threads = parse_int64(text);
                   if (!threads) {
                     throw InputError(fmt::format(
                         "{} = {} {}: threads must be 1 to {} (this machine's hardware "
                         "threads){}",
                         name, shown(text),
                         is_whole_number_text(text) ? "is out of range" : "is not a whole number",
                         max_threads(), all));
                   }
                   if (zero_means_all && *threads == 0) return;
                   try {
                     check_threads(name, *threads);
                   } catch (const InputError& e) {
                     throw InputError(std::string(e.what()) + all);
                   }
                 });
}

CLI::Option* add_seed_option(CLI::App* command, const std::string& names, std::uint64_t& value,
                             const std::string& description) {
  return checked(
      command->add_option(names, value, description)->capture_default_str(),
      fmt::format("0 to {}", kMaxSeed), [](const std::string& name, std::string_view text) {
        std::uint64_t seed = 0;
        const char* end = text.data() + text.size();
        const auto result = std::from_chars(text.data(), end, seed);
        if (!text.empty() && result.ec == std::errc() && result.ptr == end) return;
        throw InputError(fmt::format(
            "{} = {} {}: a seed is a whole number from 0 to {}", name, shown(text),
            is_whole_number_text(text) ? "is out of range" : "is not a whole number", kMaxSeed));
      });
}

}  // namespace qtb::app
