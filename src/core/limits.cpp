#include "core/limits.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>
#include <thread>

#include "core/error.hpp"

namespace qtb {

int max_threads() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

void check_threads(std::string_view what, std::int64_t value) {
  const int limit = max_threads();
  if (value < 1 || value > limit) {
    throw InputError(fmt::format(
        "{} = {} is out of range: threads must be 1 to {} (this machine's hardware threads)", what,
        value, limit));
  }
}

void check_range(std::string_view what, std::int64_t value, std::int64_t min, std::int64_t max,
                 std::string_view unit) {
  if (value < min || value > max) {
    throw InputError(
        fmt::format("{} = {} is out of range: {}", what, value, range_words(min, max, unit)));
  }
}

void check_number(std::string_view what, double value, double min, double max,
                  std::string_view unit) {
  // Written so that NaN, which compares false with everything, fails too.
  if (!(std::isfinite(value) && value >= min && value <= max)) {
    throw InputError(fmt::format("{} = {} is out of range: {}", what, value,
                                 number_range_words(min, max, unit)));
  }
}

std::string range_words(std::int64_t min, std::int64_t max, std::string_view unit) {
  return fmt::format("must be {} to {}{}{}", min, max, unit.empty() ? "" : " ", unit);
}

std::string number_range_words(double min, double max, std::string_view unit) {
  return fmt::format("must be a number from {} to {}{}{}", min, max, unit.empty() ? "" : " ", unit);
}

std::uint64_t available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kilobytes = 0;
  std::string unit;
  while (meminfo >> key >> kilobytes >> unit) {
    if (key == "MemAvailable:") return kilobytes * 1024;
  }
  return 0;
}

void check_memory(std::string_view what, std::uint64_t bytes) {
  const std::uint64_t available = available_memory_bytes();
  if (available != 0 && bytes > available) {
    throw InputError(fmt::format("{} needs {} of memory, more than the {} available", what,
                                 format_bytes(bytes), format_bytes(available)));
  }
}

std::string format_bytes(std::uint64_t bytes) {
  constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1000.0 && unit < 6) {
    value /= 1000.0;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", value, kUnits[unit]);
}

}  // namespace qtb
