#pragma once
// Where a variant's data lives, which decides the off-chip bytes per input and so its operational
// intensity. The paper's model (the default): weights are read from off-chip memory once per
// input, activations stay on chip, batch 1.
#include <cstdint>
#include <string>
#include <string_view>

namespace qtb {

struct StorageModel {
  bool activations_offchip = false;  // "all-offchip": every layer's activations go through DRAM
  std::int64_t batch = 1;            // weights are read once per batch, i.e. weight_bytes / batch

  std::string id() const { return activations_offchip ? "all-offchip" : "weights-offchip"; }
  std::string description() const;
};

// `name` is "weights-offchip" (the paper's, default) or "all-offchip"; batch >= 1.
StorageModel parse_storage_model(std::string_view name, std::int64_t batch);

}  // namespace qtb
