#include "cost/storage_model.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace qtb {

std::string StorageModel::description() const {
  const std::string weights =
      batch == 1 ? "weights read from off-chip memory once per input"
                 : fmt::format("weights read from off-chip memory once per batch of {}", batch);
  const std::string activations = activations_offchip
                                      ? "every layer's activations read and written off chip"
                                      : "activations kept on chip";
  const std::string paper = (!activations_offchip && batch == 1) ? " (the paper's model)" : "";
  return weights + "; " + activations + paper;
}

StorageModel parse_storage_model(std::string_view name, std::int64_t batch) {
  if (batch < 1) throw InputError(fmt::format("batch must be >= 1, got {}", batch));
  const std::string lower = to_lower(trim(name));
  if (lower == "weights-offchip") return StorageModel{false, batch};
  if (lower == "all-offchip") return StorageModel{true, batch};
  throw InputError("unknown storage model '" + std::string(name) +
                   "' (expected weights-offchip or all-offchip)");
}

}  // namespace qtb
