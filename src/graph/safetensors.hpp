#pragma once
// The safetensors file format (https://github.com/huggingface/safetensors), written here from its
// specification because Debian packages no C++ library for it:
//
//   8 bytes       N, the header length, unsigned little-endian
//   N bytes       UTF-8 JSON: {"<tensor>": {"dtype": "F32", "shape": [..], "data_offsets": [b, e]},
//                 ..., "__metadata__": {"<key>": "<string>", ...}}, may be padded with spaces
//   rest          the byte buffer; offsets are relative to its start, tensors are stored
//                 row-major, little-endian, contiguous, without holes or overlap
//
// Tensors are kept as raw bytes; conversion is the caller's business (float_tensor() and
// tensor_floats() do it for F32).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qtb {

enum class TensorDtype { F32, F16, BF16, I8, I32 };

std::string_view to_string(TensorDtype dtype);
std::size_t dtype_size(TensorDtype dtype);
std::optional<TensorDtype> parse_tensor_dtype(std::string_view text);

struct SafeTensor {
  std::string name;
  TensorDtype dtype = TensorDtype::F32;
  std::vector<std::int64_t> shape;
  std::vector<std::byte> data;  // product(shape) * dtype_size(dtype) bytes
};

struct SafetensorsFile {
  std::vector<SafeTensor> tensors;  // in buffer order
  std::map<std::string, std::string> metadata;

  const SafeTensor* find(std::string_view name) const;
};

// An F32 tensor of `values` (copied bit for bit) and back; tensor_floats throws InputError when
// the tensor is not F32.
SafeTensor float_tensor(std::string name, std::vector<std::int64_t> shape,
                        std::span<const float> values);
std::vector<float> tensor_floats(const SafeTensor& tensor);

// "[256, 784]"
std::string shape_string(std::span<const std::int64_t> shape);

// The file's bytes. Throws InputError for a tensor whose data does not match its shape and dtype,
// a duplicate or reserved name.
std::string encode_safetensors(const SafetensorsFile& file);
// Parses and validates everything; errors are InputError "<source>: <reason>".
SafetensorsFile decode_safetensors(std::string_view bytes, const std::string& source);

SafetensorsFile read_safetensors(const std::filesystem::path& path);
// Writes a temporary file beside `path`, syncs it to disk and renames it over `path`, so no
// reader and no crash ever sees a half-written file under the final name.
void write_safetensors(const std::filesystem::path& path, const SafetensorsFile& file);

// Largest header accepted on reading, as the reference implementation does: a header length
// beyond it means a corrupt or foreign file, not a model.
inline constexpr std::uint64_t kMaxSafetensorsHeader = 100'000'000;

}  // namespace qtb
