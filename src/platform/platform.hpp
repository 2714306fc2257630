#pragma once
// A hardware platform of the catalog (data/platforms/*.toml): peaks per data type and operating
// mode, memory, power, and which wider "carrier" type runs a data type it lacks natively.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/data_type.hpp"

namespace qtb {

enum class PlatformKind { Fpga, Gpu, Tpu, Vliw, Cpu };

std::string_view to_string(PlatformKind kind);
std::optional<PlatformKind> parse_platform_kind(std::string_view name);

struct OpMode {
  std::string name;                     // "maxn", "fast", or "default" for single-mode platforms
  std::map<DataType, double> peak_ops;  // ops/s (1 MAC = 2 ops)
};

struct Platform {
  std::string name;
  std::string description;
  std::string source;  // where the numbers come from
  PlatformKind kind = PlatformKind::Cpu;
  double memory_bandwidth = 0;            // bytes/s off-chip
  double memory_capacity = 0;             // bytes
  std::optional<double> tdp_w;            // watts, when known
  std::vector<OpMode> op_modes;           // at least one
  std::map<DataType, DataType> carriers;  // type without native support -> type it runs in
  std::string file;                       // the file it was loaded from, for messages

  const OpMode* find_op_mode(std::string_view mode_name) const;
};

}  // namespace qtb
