#include "platform/probe_system.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "core/text.hpp"

namespace qtb::probe_detail {
namespace {

// Empty when the file cannot be read: every caller treats a missing fact as unknown.
std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The value of the first "key : value" line whose key is `key`, trimmed.
std::optional<std::string> find_field(std::string_view text, std::string_view key) {
  for (const std::string& line : split_list(text, '\n')) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string_view view = line;
    if (trim(view.substr(0, colon)) == key) return std::string(trim(view.substr(colon + 1)));
  }
  return std::nullopt;
}

// Decimal digits only (no sign, no space).
bool parse_unsigned(std::string_view text, std::uint64_t& value) {
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  return result.ec == std::errc{} && result.ptr == end;
}

}  // namespace

std::string parse_cpu_model(std::string_view cpuinfo) {
  const auto value = find_field(cpuinfo, "model name");
  return value && !value->empty() ? *value : "unknown";
}

double parse_mem_total(std::string_view meminfo) {
  const auto field = find_field(meminfo, "MemTotal");
  if (!field) return 0;
  std::string_view value = *field;
  double scale = 1;
  if (value.ends_with("kB")) {
    scale = 1024;
    value = trim(value.substr(0, value.size() - 2));
  }
  std::uint64_t number = 0;
  if (!parse_unsigned(value, number)) return 0;
  return static_cast<double>(number) * scale;
}

int parse_cpu_list_count(std::string_view list) {
  int count = 0;
  for (const std::string& item : split_list(list)) {
    const std::string_view range = item;
    const auto dash = range.find('-');
    std::uint64_t first = 0, last = 0;
    if (dash == std::string_view::npos) {
      if (!parse_unsigned(range, first)) return 0;
      last = first;
    } else if (!parse_unsigned(range.substr(0, dash), first) ||
               !parse_unsigned(range.substr(dash + 1), last) || last < first) {
      return 0;
    }
    count += static_cast<int>(last - first + 1);
  }
  return count;
}

std::size_t parse_cache_size(std::string_view text) {
  text = trim(text);
  std::size_t scale = 1;
  if (text.ends_with('K')) {
    scale = std::size_t{1} << 10;
  } else if (text.ends_with('M')) {
    scale = std::size_t{1} << 20;
  } else if (text.ends_with('G')) {
    scale = std::size_t{1} << 30;
  }
  if (scale != 1) text.remove_suffix(1);
  std::uint64_t number = 0;
  if (!parse_unsigned(text, number)) return 0;
  return static_cast<std::size_t>(number) * scale;
}

std::string host_cpu_model() {
  return parse_cpu_model(read_file("/proc/cpuinfo"));
}

double host_memory_capacity() {
  return parse_mem_total(read_file("/proc/meminfo"));
}

std::size_t last_level_cache_bytes(int cpus) {
  int best_level = 0;
  std::size_t best_bytes = 0;
  for (int index = 0; index < 16; ++index) {
    const std::string dir = fmt::format("/sys/devices/system/cpu/cpu0/cache/index{}/", index);
    const std::string level_text = read_file(dir + "level");
    if (level_text.empty()) continue;
    if (std::string_view(read_file(dir + "type")).starts_with("Instruction")) continue;
    std::uint64_t level = 0;
    if (!parse_unsigned(trim(level_text), level)) continue;
    const std::size_t bytes = parse_cache_size(read_file(dir + "size"));
    if (bytes == 0 || static_cast<int>(level) < best_level) continue;
    const int sharing = parse_cpu_list_count(read_file(dir + "shared_cpu_list"));
    const int instances = sharing > 0 ? (cpus + sharing - 1) / sharing : 1;
    best_level = static_cast<int>(level);
    best_bytes = bytes * static_cast<std::size_t>(std::max(1, instances));
  }
  return best_bytes;
}

}  // namespace qtb::probe_detail
