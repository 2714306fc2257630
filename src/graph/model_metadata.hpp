#pragma once
// What a model file says about the variant it holds besides graph and weights: where it came from
// and how good it was when saved. Stored as a JSON object in the file's safetensors metadata.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace qtb {

struct ModelMetadata {
  std::string topology;   // zoo name, e.g. "mlp"
  double prune = 1.0;     // pruning scale in (0, 1]
  std::string precision;  // Precision::name(), e.g. "W2A2"
  std::string dataset;    // e.g. "mnist", "fashion-mnist-32x32x3"
  // How it was made, e.g. "trained from scratch", "filter pruning (L1) of <parent> + fine-tuning".
  std::string method;
  std::string recipe;  // training recipe as a JSON object string (epochs, lr, optimizer, ...)
  std::uint64_t seed = 0;
  std::optional<double> top1;                // accuracy measured at save time, in [0, 1]
  std::optional<std::int64_t> top1_samples;  // test-set size behind top1
  std::string top1_backend;                  // which backend measured it
  std::string parent;                        // model file it was derived from, if any
  std::string tool_version, created_at;

  friend bool operator==(const ModelMetadata&, const ModelMetadata&) = default;
};

// Absent optionals are written as null. Both directions check the values (prune in (0, 1], top1
// in [0, 1], top1_samples >= 1, recipe empty or a JSON object) and throw InputError otherwise;
// reading also refuses unknown keys and wrong types.
nlohmann::json model_metadata_to_json(const ModelMetadata& metadata);
ModelMetadata model_metadata_from_json(const nlohmann::json& json);

}  // namespace qtb
