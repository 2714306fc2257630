#include "platform/platform.hpp"

#include "core/text.hpp"

namespace qtb {

std::string_view to_string(PlatformKind kind) {
  switch (kind) {
    case PlatformKind::Fpga:
      return "fpga";
    case PlatformKind::Gpu:
      return "gpu";
    case PlatformKind::Tpu:
      return "tpu";
    case PlatformKind::Vliw:
      return "vliw";
    case PlatformKind::Cpu:
      return "cpu";
  }
  return "?";
}

std::optional<PlatformKind> parse_platform_kind(std::string_view name) {
  const std::string lower = to_lower(name);
  for (PlatformKind kind : {PlatformKind::Fpga, PlatformKind::Gpu, PlatformKind::Tpu,
                            PlatformKind::Vliw, PlatformKind::Cpu}) {
    if (lower == to_string(kind)) return kind;
  }
  return std::nullopt;
}

const OpMode* Platform::find_op_mode(std::string_view mode_name) const {
  for (const auto& mode : op_modes) {
    if (mode.name == mode_name) return &mode;
  }
  return nullptr;
}

}  // namespace qtb
