#include "engine/onednn/dnnl_util.hpp"

#include <cstring>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace qtb::onednn {

dims nchw_dims(std::int64_t n, const Shape& shape) {
  return {n, shape.channels, shape.height, shape.width};
}

dnnl::memory::desc plain_desc(const dims& d, dt type, tag format) {
  return dnnl::memory::desc(d, type, format);
}

void ImplSummary::add(const std::string& what, const dnnl::primitive_desc_base& pd, bool main) {
  ++(main ? main_ : other_)[what][pd.impl_info_str()];
}

std::string ImplSummary::str() const {
  std::string out;
  for (const auto& [what, impls] : main_) {
    if (!out.empty()) out += "; ";
    out += what + " ";
    bool first = true;
    for (const auto& [impl, count] : impls) {
      out += fmt::format("{}{} x{}", first ? "" : ", ", impl, count);
      first = false;
    }
  }
  std::string extra;
  for (const auto& [what, impls] : other_) {
    for (const auto& [impl, count] : impls) {
      const auto it = main_.find(what);
      if (it != main_.end() && it->second.contains(impl)) continue;
      extra += fmt::format("{}{} {}", extra.empty() ? "" : ", ", what, impl);
    }
  }
  if (!extra.empty()) out += "; smaller batches also " + extra;
  return out;
}

dnnl::memory PackedWeights::get(const dnnl::memory::desc& user_desc,
                                const dnnl::memory::desc& wanted, const dnnl::engine& engine,
                                dnnl::stream& stream) {
  if (user_desc.get_size() != user_data_.size()) {
    throw std::logic_error("onednn PackedWeights: user descriptor does not match the weights");
  }
  for (const auto& m : packed_) {
    if (m.get_desc() == wanted) return m;
  }
  dnnl::memory user(user_desc, engine, user_data_.data());
  dnnl::memory packed(wanted, engine);
  if (wanted == user_desc) {
    std::memcpy(packed.get_data_handle(), user_data_.data(), user_desc.get_size());
  } else {
    dnnl::reorder(user, packed).execute(stream, user, packed);
    stream.wait();
  }
  packed_.push_back(packed);
  return packed;
}

std::int64_t PackedWeights::packed_bytes() const {
  std::int64_t bytes = 0;
  for (const auto& m : packed_) bytes += static_cast<std::int64_t>(m.get_desc().get_size());
  return bytes;
}

bool exact_int8_isa() {
  switch (dnnl::get_effective_cpu_isa()) {
    case dnnl::cpu_isa::avx512_core_vnni:
    case dnnl::cpu_isa::avx512_core_bf16:
    case dnnl::cpu_isa::avx512_core_amx:
    case dnnl::cpu_isa::avx2_vnni:
      return true;
    default:
      return false;
  }
}

std::string effective_isa_name() {
  switch (dnnl::get_effective_cpu_isa()) {
    case dnnl::cpu_isa::sse41:
      return "sse41";
    case dnnl::cpu_isa::avx:
      return "avx";
    case dnnl::cpu_isa::avx2:
      return "avx2";
    case dnnl::cpu_isa::avx512_mic:
      return "avx512_mic";
    case dnnl::cpu_isa::avx512_mic_4ops:
      return "avx512_mic_4ops";
    case dnnl::cpu_isa::avx512_core:
      return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni:
      return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16:
      return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx:
      return "avx512_core_amx";
    case dnnl::cpu_isa::avx2_vnni:
      return "avx2_vnni";
    default:
      return "baseline";
  }
}

}  // namespace qtb::onednn
