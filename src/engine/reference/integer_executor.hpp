#pragma once
// Runs a LoweredModel exactly, one input at a time, with plain loops: the integer reference every
// exact backend must reproduce bit for bit. Levels of every tensor are held as int32.
//
// Rules (lowered_model.hpp and core/quantization.hpp, made explicit where they leave room):
//  - conv/dense: int32 sum of level products over input channel, kernel row, kernel column, with
//    zero padding (level 0, every quantizer has zero point 0); then requant[c].apply(acc), or the
//    raw accumulator for the last layer (requant empty);
//  - max pool: maximum of the window's levels inside the input (padding ignored);
//  - avg pool: sum of the window's levels inside the input (padding adds 0), then
//    pool_requant.apply(sum); lower() folds the division by the full kernel area into the
//    multiplier. Global average pool: sum over the plane, then pool_requant.apply(sum);
//  - add: integer_ops::AddRule (s = sum_i int64(level_i) * add_multipliers[i];
//    y = clamp(rounding_shift(s, add_shift), pool_requant.lo, pool_requant.hi); when
//    pool_requant.binary, y = s >= 0 ? +1 : -1);
//  - concat places the channels of its inputs in order; flatten copies (CHW order).
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "lowering/lowered_model.hpp"

namespace qtb {

class IntegerExecutor {
 public:
  // Called with each tensor as it is computed (tensor 0, the input, first).
  using Observer = std::function<void(int tensor, std::span<const std::int32_t> levels)>;

  explicit IntegerExecutor(LoweredModel model);

  const LoweredModel& model() const { return model_; }
  const Shape& input_shape() const { return model_.tensors.front().shape; }
  const Shape& output_shape() const;

  // Pixels in [0, 1] to the levels of tensor 0.
  void quantize_input(std::span<const float> pixels, std::span<std::int32_t> levels) const;
  // Input levels (input_shape().elements()) to the last layer's accumulators.
  void run(std::span<const std::int32_t> input, std::span<std::int32_t> accumulators,
           const Observer& observer = {}) const;
  // logits = (acc + output_bias[c]) * output_scale[c], computed in double, stored as float
  // (decode_logits); whole inputs, as many logits as accumulators.
  void decode(std::span<const std::int32_t> accumulators, std::span<float> logits) const;

 private:
  LoweredModel model_;
  std::vector<int> last_use_;  // per tensor: the last op reading it
};

}  // namespace qtb
