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
#include <functional>
#include <string_view>

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

// The zoo's graph of a topology at a pruning scale: zoo/zoo.hpp's build_topology, passed in by the
// caller because the graph layer comes before the zoo.
using TopologyBuilder = std::function<Graph(std::string_view topology, double prune)>;

// load_model, then checks that the metadata describes the graph, since every row measured with
// the file is labelled from it: the graph without its quantizer nodes must be `zoo(topology,
// prune)` node for node (name, kind, output shape), and every quantizer must have the activation
// bits of `precision` (none at a float precision). Otherwise InputError "<path>: metadata says
// 'mlp' at scale 0.5, but node 2 'fc1' has output [256, 1, 1] where that has [1024, 1, 1]".
ModelFile load_model(const std::filesystem::path& path, const TopologyBuilder& zoo);

}  // namespace qtb
