#include "platform/platform.hpp"

#include <fmt/format.h>

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

Placement place_precision(const Platform& platform, const OpMode& mode, const Precision& precision,
                          std::string_view backend) {
  Placement placement;
  placement.precision = precision;
  const auto packed = platform.packed_storage.find(std::string(backend));
  const std::set<DataType>* packed_types =
      packed == platform.packed_storage.end() ? nullptr : &packed->second;
  // One operand: its type in the arithmetic and in memory; false when it cannot run.
  const auto place = [&](DataType own, DataType& computed, DataType& stored) {
    if (mode.peak_ops.contains(own)) {
      computed = stored = own;
      return true;
    }
    const auto carrier = platform.carriers.find(own);
    if (carrier == platform.carriers.end() || !mode.peak_ops.contains(carrier->second)) {
      placement.reason = fmt::format("{} has no {} peak and no carrier type for it", platform.name,
                                     to_string(own));
      return false;
    }
    computed = carrier->second;
    const bool keeps_own_width = packed_types && packed_types->contains(own);
    stored = keeps_own_width ? own : computed;
    if (keeps_own_width) placement.packed_by = std::string(backend);
    return true;
  };
  if (!place(precision.weights, placement.computed.weights, placement.stored.weights) ||
      !place(precision.activations, placement.computed.activations, placement.stored.activations))
    return placement;
  placement.supported = true;
  placement.compute_type = placement.computed.compute_type();
  return placement;
}

std::string storage_note(const Placement& p) {
  if (!p.supported) return "";
  if (p.native()) return "native";
  // Each operand: native, packed at its own width, or held in its carrier.
  struct Operand {
    const char* name;
    DataType own, computed, stored;
    std::string how() const {
      if (computed == own) return "";
      if (stored == own) return fmt::format("packed {}-bit", bit_width(own));
      return fmt::format("in {} (carrier)", to_string(computed));
    }
  };
  const Operand w{"weights", p.precision.weights, p.computed.weights, p.stored.weights};
  const Operand a{"activations", p.precision.activations, p.computed.activations,
                  p.stored.activations};
  const auto phrase = [](const std::string& how, const std::string& names) {
    return how.starts_with("packed") ? how + " " + names : names + " " + how;
  };
  std::string note;
  if (w.how() == a.how()) {
    note = phrase(w.how(), "weights and activations");
  } else {
    for (const Operand* o : {&w, &a}) {
      if (o->how().empty()) continue;
      note += (note.empty() ? "" : ", ") + phrase(o->how(), o->name);
    }
  }
  if (!p.packed_by.empty())
    note += fmt::format(" ({} backend), computed in {}", p.packed_by, to_string(p.compute_type));
  return note;
}

}  // namespace qtb
