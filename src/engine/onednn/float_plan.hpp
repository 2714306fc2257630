#pragma once
// Builds one batch size's ExecPlan of a FloatNetwork (FP32 or BF16 activations): oneDNN picks the
// memory formats (format_tag::any), reorders between layers are inserted only where a consumer
// wants another format, conv/dense outputs run in place into a dead residual operand for the sum
// post-op, and the network output is kept in f32.
#include <cstdint>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "engine/onednn/dnnl_util.hpp"
#include "engine/onednn/exec_plan.hpp"
#include "engine/onednn/float_fusion.hpp"

namespace qtb::onednn {

// Parameters shared by the plans of one model, per step of the network.
struct FloatParams {
  std::vector<PackedWeights> weights;
  std::vector<dnnl::memory> bias;  // f32, one per output channel
};

FloatParams make_float_params(const FloatNetwork& net, const dnnl::engine& engine);

struct FloatPlan {
  std::int64_t batch = 0;
  ExecPlan exec;
  int input = -1;  // buffer ids: the network input (in the first layer's format) and output
  int output = -1;
  int reorders = 0;  // format conversions between layers inside run()
  explicit FloatPlan(const dnnl::engine& engine) : exec(engine) {}
};

struct FloatPlanContext {
  const FloatNetwork& net;
  dt activations;  // f32 or bf16 (weights the same; bias and the output f32)
  FloatParams& params;
  dnnl::engine engine;
  dnnl::stream& stream;  // for weight reorders at compile time
  ImplSummary& impls;
  bool main;  // the max_batch plan (counted in the summary)
};

FloatPlan build_float_plan(FloatPlanContext& ctx, std::int64_t batch);

}  // namespace qtb::onednn
