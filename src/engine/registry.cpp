#include "engine/registry.hpp"

#include <functional>
#include <utility>

#include "engine/gemmlowp/gemmlowp_backend.hpp"
#include "engine/lowbit/lowbit_backend.hpp"
#include "engine/onednn/onednn_backend.hpp"
#include "engine/reference/reference_backend.hpp"
#include "engine/sparse/sparse_backend.hpp"

namespace qtb {
namespace {

const std::vector<std::pair<std::string, std::function<std::unique_ptr<Backend>()>>>& factories() {
  // The preference order (registry.hpp).
  static const std::vector<std::pair<std::string, std::function<std::unique_ptr<Backend>()>>> all =
      {{"onednn", make_onednn_backend},
       {"lowbit", make_lowbit_backend},
       {"gemmlowp", make_gemmlowp_backend},
       {"sparse", make_sparse_backend},
       {"reference", make_reference_backend}};
  return all;
}

}  // namespace

std::vector<std::string> backend_names() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : factories()) names.push_back(name);
  return names;
}

std::unique_ptr<Backend> make_backend(std::string_view name) {
  std::string known;
  for (const auto& [candidate, factory] : factories()) {
    if (candidate == name) return factory();
    known += (known.empty() ? "" : ", ") + candidate;
  }
  throw InputError("unknown backend '" + std::string(name) + "' (known: " + known + ")");
}

}  // namespace qtb
