#include "analytics/catalog_prediction.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/precision.hpp"
#include "core/text.hpp"
#include "zoo/zoo.hpp"

namespace qtb::analytics {

CatalogPredictor::CatalogPredictor(std::span<const Platform> catalog) : catalog_(catalog) {}

const Platform* CatalogPredictor::find_platform(const std::string& name) const {
  const auto cached = platforms_.find(name);
  if (cached != platforms_.end()) return cached->second;
  const Platform* found = nullptr;
  for (const Platform& p : catalog_)
    if (to_lower(p.name) == to_lower(name)) {
      found = &p;
      break;
    }
  platforms_.emplace(name, found);
  return found;
}

const CatalogPredictor::Variant& CatalogPredictor::variant(const std::string& topology,
                                                           double prune) {
  const auto key = std::make_pair(topology, prune);
  auto found = graphs_.find(key);
  if (found != graphs_.end()) return found->second;
  Variant v;
  try {
    v.graph = build_topology(topology, prune);
  } catch (const InputError&) {
    v.error = fmt::format("topology '{}' is not in the zoo", topology);
  }
  return graphs_.emplace(key, std::move(v)).first->second;
}

const CatalogPrediction& CatalogPredictor::predict_row(const ResultRow& row,
                                                       std::int64_t weights_batch) {
  const std::tuple<const std::string&, const std::string&, const std::string&, double,
                   const std::string&, const std::string&, std::int64_t>
      key{row.platform,  row.op_mode, row.topology, row.prune,
          row.precision, row.backend, weights_batch};
  const auto found = predictions_.find(key);
  if (found != predictions_.end()) return found->second;
  return predictions_.emplace(Key(key), compute(row, weights_batch)).first->second;
}

CatalogPrediction CatalogPredictor::compute(const ResultRow& row, std::int64_t weights_batch) {
  CatalogPrediction out;
  const Platform* platform = find_platform(row.platform);
  if (!platform) {
    out.reason = fmt::format("platform '{}' is not in the catalog", row.platform);
    return out;
  }
  const OpMode* mode = platform->find_op_mode(row.op_mode);
  if (!mode) {
    out.reason = fmt::format("{} has no op mode '{}' in the catalog", platform->name, row.op_mode);
    return out;
  }
  const Variant& v = variant(row.topology, row.prune);
  if (!v.graph) {
    out.reason = v.error;
    return out;
  }
  const auto cost_key = std::make_tuple(row.topology, row.prune, row.precision, weights_batch);
  auto cost = costs_.find(cost_key);
  if (cost == costs_.end()) {
    StorageModel storage;
    storage.batch = weights_batch;
    cost = costs_.emplace(cost_key, compute_cost(*v.graph, parse_precision(row.precision), storage))
               .first;
  }
  out.ops = cost->second.ops;
  out.prediction = predict(*v.graph, cost->second, *platform, *mode, row.backend);
  if (!out.prediction.supported) {
    out.reason = out.prediction.reason;
    return out;
  }
  if (out.prediction.fps <= 0) {
    out.reason = fmt::format("topology '{}' has no ops in the cost model", row.topology);
    return out;
  }
  out.fps = out.prediction.fps;
  return out;
}

}  // namespace qtb::analytics
