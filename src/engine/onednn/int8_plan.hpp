#pragma once
// Builds one batch size's ExecPlan of a LoweredModel at INT8.
//
// Layout: every tensor is nhwc (channels innermost); u8 when unsigned, s8 when signed, the
// output tensor s32. Conv/dense run as oneDNN u8|s8 x s8 -> s32 primitives with no scales, bias
// or post-ops (oneDNN accumulates exactly in int32 with VNNI/AMX), then requantize() (our
// epilogue) writes the next tensor's levels straight from the s32 rows:
//  - into the tensor itself, or into its channel slice of a concat that is its only reader (the
//    concat then costs nothing);
//  - or, when the tensor's only reader is a 2-input add whose other operand already exists, the
//    add's output: the residual add runs inside the epilogue and the conv's own levels are never
//    stored (ResNet's branch2c / projection convs);
//  - in sub-batches: a layer whose s32 output over the batch exceeds 2 MiB runs its conv on as
//    many images as fit (one extra primitive for the remainder, created here) and requantizes each
//    sub-batch right after, while the accumulators are still in cache.
// Max pooling runs as oneDNN u8/s8 pooling (exact); avg/global pooling, standalone adds and the
// other concat inputs are our loops (integer_ops.hpp). A flatten read only by dense layers is an
// alias (oneDNN's inner product reads the nhwc tensor with OIHW weights: the CHW flatten order).
#include <cstdint>
#include <memory>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "engine/onednn/dnnl_util.hpp"
#include "engine/onednn/exec_plan.hpp"
#include "engine/onednn/integer_ops.hpp"
#include "engine/onednn/requantize.hpp"
#include "lowering/lowered_model.hpp"

namespace qtb::onednn {

// Per op of the model, shared by the plans.
struct Int8Params {
  std::vector<PackedWeights> weights;                  // conv/dense levels (s8, OIHW/OI)
  std::vector<std::unique_ptr<RequantTable>> requant;  // conv/dense with a requantizer
  std::vector<AddRule> add;
};

Int8Params make_int8_params(const LoweredModel& model);

struct Int8Plan {
  std::int64_t batch = 0;
  ExecPlan exec;
  int input = -1;   // u8 nhwc levels of tensor 0
  int output = -1;  // s32 accumulators (nhwc, or nc for a dense layer)
  explicit Int8Plan(const dnnl::engine& engine) : exec(engine) {}
};

struct Int8PlanContext {
  const LoweredModel& model;
  Int8Params& params;  // its packed weights grow with the formats the plans ask for
  dnnl::engine engine;
  dnnl::stream& stream;
  ImplSummary& impls;
  bool main;
  int threads;
};

Int8Plan build_int8_plan(Int8PlanContext& ctx, std::int64_t batch);

}  // namespace qtb::onednn
