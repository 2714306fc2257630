#pragma once
// Small helpers around oneDNN shared by the float and integer models of the onednn backend:
// dimensions from Shapes, the OpenMP thread scope, weights packed once per memory format, and the
// summary of the oneDNN implementations that run.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "graph/shape.hpp"

namespace qtb::onednn {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;
using dims = dnnl::memory::dims;

// {n, channels, height, width}.
dims nchw_dims(std::int64_t n, const Shape& shape);
// A plain (dense, row-major) descriptor of `d` in the order of `format`.
dnnl::memory::desc plain_desc(const dims& d, dt type, tag format);

// The implementation names of the primitives a model creates, for ModelInfo::method.
class ImplSummary {
 public:
  // `what` is the primitive's role ("conv", "inner_product", ...); `main` marks the plan whose
  // counts are reported (the largest batch), the others only add names not seen there.
  void add(const std::string& what, const dnnl::primitive_desc_base& pd, bool main);
  std::string str() const;

 private:
  std::map<std::string, std::map<std::string, int>> main_;  // role -> implementation -> count
  std::map<std::string, std::map<std::string, int>> other_;
};

// One layer's weights in their user layout, reordered once (at compile time) into each memory
// format that a primitive asks for. Plans for different batch sizes usually share one format.
class PackedWeights {
 public:
  PackedWeights() = default;
  explicit PackedWeights(std::vector<char> user_data) : user_data_(std::move(user_data)) {}

  // The weights, whose user layout is `user` (e.g. oihw f32 or oi s8), in format `wanted`,
  // reordering (and caching) on first request.
  dnnl::memory get(const dnnl::memory::desc& user, const dnnl::memory::desc& wanted,
                   const dnnl::engine& engine, dnnl::stream& stream);
  // Bytes of all packed copies.
  std::int64_t packed_bytes() const;

 private:
  std::vector<char> user_data_;
  std::vector<dnnl::memory> packed_;
};

// True when oneDNN's int8 kernels on this CPU accumulate u8 x s8 products exactly (VNNI or AMX);
// without VNNI, the avx2/avx512 kernels add pairs of products in saturating int16.
bool exact_int8_isa();
std::string effective_isa_name();

}  // namespace qtb::onednn
