#pragma once
// The float storage formats of the reference backend: FP32 values rounded to FP16 or BF16 and back,
// as a format that stores its tensors at 16 bits and computes in float32 would see them.
#include <string_view>

#include "core/data_type.hpp"

namespace qtb {

enum class FloatFormat { FP32, FP16, BF16 };

// FP32, FP16 or BF16; throws std::invalid_argument for an integer type.
FloatFormat float_format_of(DataType type);
std::string_view to_string(FloatFormat format);

// Round to nearest, ties to even, on the float's bit pattern; NaN stays NaN, overflow becomes inf.
float round_to_bf16(float x);
// IEEE binary16: 11 significant bits, subnormals down to 2^-24, values >= 65520 become inf.
float round_to_fp16(float x);
// The identity for FP32.
float round_to(FloatFormat format, float x);

}  // namespace qtb
