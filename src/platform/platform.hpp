#pragma once
// A hardware platform of the catalog (data/platforms/*.toml): peaks per data type and operating
// mode, memory, power, and which wider "carrier" type runs a data type it lacks natively.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/data_type.hpp"
#include "core/precision.hpp"

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
  // Backend -> carried types it keeps packed at their own width in memory although it computes
  // them in the carrier (the host's `lowbit` backend holds INT4/INT2/INT1 as bit-planes).
  std::map<std::string, std::set<DataType>> packed_storage;
  std::string file;  // the file it was loaded from, for messages

  const OpMode* find_op_mode(std::string_view mode_name) const;
};

// How a variant's precision runs on a platform in one op mode. The one carrier rule, applied to
// weights and activations separately: an operand keeps its type where the op mode has a peak for
// it, else it is held and computed in the catalog's carrier for that type (so a platform lacking
// 1-bit carries 1-bit weights and 1-bit activations alike); a type with neither cannot run. On a
// backend the platform lists in `packed_storage`, a carried operand of a listed type stays at its
// own width in memory (it is unpacked into the carrier to compute).
struct Placement {
  bool supported = false;
  std::string reason;                      // why not (empty when supported)
  Precision precision;                     // the variant's own
  Precision computed;                      // each operand's type in the arithmetic
  Precision stored;                        // each operand's type in memory (the OI's bytes)
  DataType compute_type = DataType::FP32;  // computed.compute_type(): the peak that bounds it
  std::string packed_by;                   // the backend whose packed storage applies, or ""

  // Both operands run in their own type: no carrier.
  bool native() const { return supported && computed == precision; }
};

// `backend` may be empty (no backend named: carriers only).
Placement place_precision(const Platform& platform, const OpMode& mode, const Precision& precision,
                          std::string_view backend = {});

// For output: "native", "weights in INT8 (carrier)", "weights and activations in INT8
// (carrier)", "packed 1-bit weights and activations (lowbit backend), computed in INT8".
std::string storage_note(const Placement& placement);

}  // namespace qtb
