#include "measure/peak_memory.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace qtb {

bool reset_peak_memory() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";  // "5" resets the peak RSS counter only
  clear.flush();
  return static_cast<bool>(clear);
}

std::optional<std::int64_t> parse_vm_hwm(std::string_view status) {
  std::istringstream in{std::string(status)};
  std::string key;
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("VmHWM:")) continue;
    std::istringstream fields(line.substr(6));
    std::int64_t kib = 0;
    std::string unit;
    if (fields >> kib >> unit && unit == "kB") return kib * 1024;
  }
  return std::nullopt;
}

std::optional<std::int64_t> peak_memory_bytes() {
  std::ifstream in("/proc/self/status");
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return parse_vm_hwm(text.str());
}

}  // namespace qtb
