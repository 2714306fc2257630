#pragma once
// A trained network variant in one .safetensors file: graph structure, weights and metadata.
// Other tools read the weights as a plain PyTorch-style state dict; see docs/model-files.md.
//
//   tensors (F32)   "<node>.weight", "<node>.bias"   conv [out, in/groups, kh, kw], dense [out, in]
//                   "<node>.weight", "<node>.bias", "<node>.running_mean", "<node>.running_var"
//                                                    batchnorm gamma, beta, mean, variance [C]
//   __metadata__    "format": "qutibench", "qutibench.version": "1",
//                   "qutibench.graph": graph JSON, "qutibench.metadata": metadata JSON
#include <filesystem>

#include "graph/graph.hpp"
#include "graph/model_metadata.hpp"

namespace qtb {

inline constexpr const char* kModelFormatVersion = "1";

struct ModelFile {
  Graph graph;
  ModelMetadata metadata;
};

// Every conv, dense and batchnorm node needs its weights (InputError otherwise); a conv or dense
// bias the graph declares but the node lacks is stored as zeros, which is what the backends
// compute with. Written to a temporary file, synced and renamed: never a half-written file under
// `path`, and a failed save leaves an existing file as it was.
void save_model(const std::filesystem::path& path, const Graph& graph,
                const ModelMetadata& metadata);

// Parses and checks everything: the safetensors structure, the format tag and version, the graph
// (rebuilt and shape-checked), the metadata, and every tensor against the graph (present, F32,
// the expected shape, no extra ones). Errors are InputError "<path>: <reason>".
ModelFile load_model(const std::filesystem::path& path);

}  // namespace qtb
