#pragma once
// What an ONNX import accepts at most, so that a hostile file is refused before it allocates.
#include <cstdint>

#include "core/limits.hpp"

namespace qtb {

// Nodes of one graph: the largest torchvision models have a few hundred.
inline constexpr std::int64_t kMaxOnnxNodes = 100'000;
// Values of one tensor (256 Mi floats, 1 GiB): a claimed 2 GB tensor is refused from its dims.
inline constexpr std::int64_t kMaxOnnxTensorElements = std::int64_t{1} << 28;
// Bytes of a model file and of each external data file.
inline constexpr std::uint64_t kMaxOnnxFileBytes = kMaxReadFileBytes;

}  // namespace qtb
