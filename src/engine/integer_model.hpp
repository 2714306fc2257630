#pragma once
// What every compiled integer network (INT8, WxAy) shares: its float logits are the last layer's
// int32 accumulators decoded once, here, as lowered_model.hpp defines them:
//   logit = (acc + output_bias[c]) * output_scale[c], computed in double, stored as float,
// where c is the output channel of the accumulator (NCHW order, per input).
#include <cstdint>
#include <span>
#include <vector>

#include "engine/backend.hpp"
#include "lowering/lowered_model.hpp"

namespace qtb {

// `accumulators` and `logits` hold whole inputs of `per_input` (NCHW), the same count of each.
void decode_logits(std::span<const std::int32_t> accumulators, const Shape& per_input,
                   const std::vector<float>& output_scale, const std::vector<float>& output_bias,
                   std::span<float> logits);

class IntegerModel : public CompiledModel {
 protected:
  // Keeps the model's output_scale and output_bias (one per output channel).
  explicit IntegerModel(const LoweredModel& model);

 private:
  void do_get_output_accumulators(std::span<std::int32_t> output,
                                  std::int64_t batch) const override = 0;
  // get_output: do_get_output_accumulators, then decode_logits.
  void do_get_output(std::span<float> output, std::int64_t batch) const final;

  std::vector<float> output_scale_, output_bias_;
};

}  // namespace qtb
