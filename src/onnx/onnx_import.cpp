#include "onnx/onnx_import.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "graph/model_file.hpp"
#include "onnx/onnx_converter.hpp"
#include "onnx/onnx_file.hpp"
#include "onnx/onnx_limits.hpp"

namespace qtb {

bool is_onnx_path(const std::filesystem::path& path) {
  return to_lower(path.extension().string()) == ".onnx";
}

Graph load_model_graph(const std::filesystem::path& path) {
  return is_onnx_path(path) ? std::move(import_onnx_model(path).graph)
                            : std::move(load_model(path).graph);
}

std::string file_sha256(const std::filesystem::path& path) {
  return sha256_hex(read_bounded_file(path, kMaxOnnxFileBytes, quote_value(path.string(), 80)));
}

ImportedModel import_onnx_model(const std::filesystem::path& path) {
  const std::string what = quote_value(path.string(), 80);
  const std::string bytes = read_bounded_file(path, kMaxOnnxFileBytes, what);
  try {
    const onnx::ModelProto model = parse_onnx_model(bytes);
    const std::string name =
        model.graph().name().empty() ? path.stem().string() : model.graph().name();
    OnnxConverter converter(model, path.parent_path(), name);
    return {converter.convert(), sha256_hex(bytes)};
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", what, e.what()));
  }
}

}  // namespace qtb
