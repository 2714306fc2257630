#include "onnx/onnx_tensor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "core/error.hpp"
#include "core/text.hpp"
#include "onnx/onnx_file.hpp"
#include "onnx/onnx_limits.hpp"

namespace qtb {
namespace {

std::size_t element_bytes(int type) {
  switch (type) {
    case onnx::TensorProto_DataType_FLOAT:
    case onnx::TensorProto_DataType_INT32:
      return 4;
    case onnx::TensorProto_DataType_INT64:
      return 8;
    default:
      return 0;
  }
}

// The external data of `tensor`: its `location` must name a file inside the model's folder.
std::string external_bytes(const onnx::TensorProto& tensor, const std::filesystem::path& model_dir,
                           const std::string& where) {
  namespace fs = std::filesystem;
  std::string location;
  std::uint64_t offset = 0;
  std::optional<std::uint64_t> length;
  for (const auto& entry : tensor.external_data()) {
    try {
      if (entry.key() == "location") location = entry.value();
      if (entry.key() == "offset") offset = std::stoull(entry.value());
      if (entry.key() == "length") length = std::stoull(entry.value());
    } catch (const std::exception&) {
      throw InputError(fmt::format("{}: external data {} is not a byte count", where,
                                   quote_value(entry.value())));
    }
  }
  const fs::path relative(location);
  bool escapes = location.empty() || relative.is_absolute() || relative.has_root_name();
  for (const auto& part : relative) escapes = escapes || part == "..";
  const fs::path folder = fs::weakly_canonical(model_dir.empty() ? fs::path(".") : model_dir);
  const fs::path file = fs::weakly_canonical(folder / relative);
  const auto [end, unused] = std::mismatch(folder.begin(), folder.end(), file.begin(), file.end());
  (void)unused;
  if (escapes || end != folder.end()) {
    throw InputError(
        fmt::format("{}: external data location {} is not a file inside the model's "
                    "folder",
                    where, quote_value(location, 80)));
  }
  const std::string bytes = read_bounded_file(file, kMaxOnnxFileBytes, where + ": external data");
  const std::uint64_t count = length.value_or(bytes.size() >= offset ? bytes.size() - offset : 0);
  if (offset > bytes.size() || count > bytes.size() - offset) {
    throw InputError(fmt::format("{}: external data offset {} + length {} lies past the end of {}",
                                 where, offset, count, quote_value(location, 80)));
  }
  return bytes.substr(offset, count);
}

template <typename T>
std::vector<T> from_bytes(const std::string& bytes, std::int64_t count) {
  std::vector<T> values(static_cast<std::size_t>(count));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(T));  // ONNX is little-endian
  return values;
}

}  // namespace

std::int64_t ConstantTensor::elements() const {
  std::int64_t count = 1;
  for (std::int64_t d : dims) count *= d;
  return count;
}

ConstantTensor decode_tensor(const onnx::TensorProto& tensor,
                             const std::filesystem::path& model_dir) {
  const std::string where = fmt::format("tensor {}", quote_value(tensor.name(), 60));
  ConstantTensor out;
  std::int64_t count = 1;
  for (std::int64_t d : tensor.dims()) {
    if (d < 0 || (d > 0 && count > kMaxOnnxTensorElements / d)) {
      throw InputError(fmt::format("{}: dims claim more than the {} values a tensor may hold",
                                   where, kMaxOnnxTensorElements));
    }
    count *= d;
    out.dims.push_back(d);
  }
  const int type = tensor.data_type();
  const std::size_t size = element_bytes(type);
  if (size == 0) {
    throw InputError(fmt::format("{}: element type {} is not supported (FLOAT, INT32, INT64 are)",
                                 where, onnx::TensorProto_DataType_Name(type)));
  }
  out.is_integer = type != onnx::TensorProto_DataType_FLOAT;
  const bool external = tensor.data_location() == onnx::TensorProto_DataLocation_EXTERNAL;
  if (external || tensor.has_raw_data()) {
    const std::string bytes =
        external ? external_bytes(tensor, model_dir, where) : tensor.raw_data();
    if (bytes.size() != static_cast<std::size_t>(count) * size) {
      throw InputError(fmt::format("{}: {} data bytes for {} values of {} bytes", where,
                                   bytes.size(), count, size));
    }
    if (type == onnx::TensorProto_DataType_FLOAT) out.floats = from_bytes<float>(bytes, count);
    if (type == onnx::TensorProto_DataType_INT64) {
      out.integers = from_bytes<std::int64_t>(bytes, count);
    }
    if (type == onnx::TensorProto_DataType_INT32) {
      for (std::int32_t v : from_bytes<std::int32_t>(bytes, count)) out.integers.push_back(v);
    }
    return out;
  }
  std::int64_t stored = 0;
  if (type == onnx::TensorProto_DataType_FLOAT) {
    out.floats.assign(tensor.float_data().begin(), tensor.float_data().end());
    stored = tensor.float_data_size();
  } else if (type == onnx::TensorProto_DataType_INT64) {
    out.integers.assign(tensor.int64_data().begin(), tensor.int64_data().end());
    stored = tensor.int64_data_size();
  } else {
    out.integers.assign(tensor.int32_data().begin(), tensor.int32_data().end());
    stored = tensor.int32_data_size();
  }
  if (stored != count) {
    throw InputError(
        fmt::format("{}: {} values stored for dims of {} values", where, stored, count));
  }
  return out;
}

}  // namespace qtb
