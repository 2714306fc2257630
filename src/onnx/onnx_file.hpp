#pragma once
// Reading an ONNX file: its bytes (bounded), their SHA-256, and the parsed ModelProto.
#include <cstdint>
#include <filesystem>
#include <string>

#include <onnx/onnx_pb.h>

namespace qtb {

// The whole file, refused when it is missing, not a regular file or larger than `max_bytes`.
// Errors are InputError "<what>: <reason>".
std::string read_bounded_file(const std::filesystem::path& path, std::uint64_t max_bytes,
                              const std::string& what);

// Lowercase hex SHA-256 of `bytes`.
std::string sha256_hex(const std::string& bytes);

// Parses the protobuf and checks the model's frame: an ONNX opset 7..17, one graph with nodes.
// Errors are InputError without the file's name (the caller adds it).
onnx::ModelProto parse_onnx_model(const std::string& bytes);
// The model's ONNX opset (checked by parse_onnx_model).
std::int64_t onnx_opset(const onnx::ModelProto& model);

}  // namespace qtb
