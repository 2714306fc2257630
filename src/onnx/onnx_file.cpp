#include "onnx/onnx_file.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <fstream>

#include "core/error.hpp"
#include "core/limits.hpp"
#include "onnx/onnx_limits.hpp"

namespace qtb {

std::string read_bounded_file(const std::filesystem::path& path, std::uint64_t max_bytes,
                              const std::string& what) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (status.type() == fs::file_type::not_found) throw InputError(what + ": no such file");
  if (error || status.type() != fs::file_type::regular) {
    throw InputError(what + ": not a regular file");
  }
  const std::uintmax_t size = fs::file_size(path, error);
  if (error) throw InputError(what + ": cannot read it");
  if (size > max_bytes) {
    throw InputError(fmt::format("{}: the file is {}, more than the {} a model import reads", what,
                                 format_bytes(size), format_bytes(max_bytes)));
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes(size, '\0');
  if (!in || !in.read(bytes.data(), static_cast<std::streamsize>(size))) {
    throw InputError(what + ": cannot read it");
  }
  return bytes;
}

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::int64_t onnx_opset(const onnx::ModelProto& model) {
  std::int64_t opset = -1;
  for (const auto& import : model.opset_import()) {
    if (import.domain().empty() || import.domain() == "ai.onnx") opset = import.version();
  }
  return opset;
}

onnx::ModelProto parse_onnx_model(const std::string& bytes) {
  onnx::ModelProto model;
  if (bytes.size() > kMaxOnnxFileBytes ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    throw InputError("not a valid ONNX model (its protobuf does not parse: truncated or not ONNX)");
  }
  if (!model.has_graph() || model.graph().node_size() == 0) {
    throw InputError("the ONNX model has no graph nodes");
  }
  const std::int64_t opset = onnx_opset(model);
  if (opset < 7 || opset > 17) {
    throw InputError(fmt::format("{} is not supported (opsets 7 to 17 are)",
                                 opset < 0 ? std::string("a model without the ONNX opset")
                                           : fmt::format("opset {}", opset)));
  }
  if (model.graph().node_size() > kMaxOnnxNodes) {
    throw InputError(fmt::format("{} nodes, more than the {} an import accepts",
                                 model.graph().node_size(), kMaxOnnxNodes));
  }
  return model;
}

}  // namespace qtb
