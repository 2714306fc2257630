#pragma once
// Constant tensors of an ONNX model (initializers, Constant nodes) decoded to values: float tensors
// for weights, integer ones for shapes and pads.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace qtb {

struct ConstantTensor {
  std::vector<std::int64_t> dims;
  bool is_integer = false;
  std::vector<float> floats;           // FLOAT tensors
  std::vector<std::int64_t> integers;  // INT32 and INT64 tensors
  std::int64_t elements() const;
};

// Decodes raw_data, the typed fields, or external data (a file in `model_dir`, never outside it).
// Refuses a claimed size beyond kMaxOnnxTensorElements before reading anything, data whose size
// disagrees with the dims, and element types other than FLOAT, INT32 and INT64. Errors are
// InputError "tensor '<name>': <reason>".
ConstantTensor decode_tensor(const onnx::TensorProto& tensor,
                             const std::filesystem::path& model_dir);

}  // namespace qtb
