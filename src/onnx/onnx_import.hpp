#pragma once
// ONNX model files (opsets 7-17, FP32) imported as a Graph with its weights. docs/onnx.md lists the
// operators and how each maps; anything else is refused, naming the op, its node and that list.
// Shapes are inferred by the Graph; the file's own shapes (value_info, graph outputs) are only
// checked against them.
#include <filesystem>
#include <string>

#include "graph/graph.hpp"

namespace qtb {

struct ImportedModel {
  Graph graph;         // named by the ONNX graph's name, or the file's stem when it has none
  std::string sha256;  // of the .onnx file, lowercase hex
};

// True for a path ending in ".onnx" (any case): the model files that import_onnx_model reads.
bool is_onnx_path(const std::filesystem::path& path);

// Reads, checks and converts the file. Every problem (unreadable, not ONNX, truncated, a tensor
// too large, an unsupported op, a cycle or unknown input, a shape the file states differently,
// external data outside the model's folder) is one InputError "<path>: <reason>".
ImportedModel import_onnx_model(const std::filesystem::path& path);

// The graph (with weights) of any model file: an ONNX model (import_onnx_model), else a qutibench
// model file (graph/model_file.hpp's load_model). The one dispatch on the file's kind.
Graph load_model_graph(const std::filesystem::path& path);

// Lowercase hex SHA-256 of a model file (read with the import's size limit), for provenance.
std::string file_sha256(const std::filesystem::path& path);

}  // namespace qtb
