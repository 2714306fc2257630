#pragma once
// The L0 roofline prediction of a result row, computed from the platform catalog and the cost
// model at analysis time: the zoo's graph of (topology, prune), its cost at the row's precision
// under the paper's storage model (weights off chip, activations on chip; by default batch 1, the
// same as at measurement time in src/measure), and Eq. 1 on the catalog's platform and op mode,
// with the row's backend for the platform's packed storage (the host's lowbit backend).
// Used for rows that carry no stored prediction (the paper's) and to place measured points on a
// roofline. Graphs, costs and predictions are cached: many rows share a variant, so a million rows
// cost one map lookup each beyond the distinct variants.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <unordered_map>

#include "analytics/point.hpp"
#include "cost/cost.hpp"
#include "measure/result_row.hpp"
#include "platform/platform.hpp"
#include "roofline/roofline.hpp"

namespace qtb::analytics {

struct CatalogPrediction {
  std::optional<double> fps;  // predicted inputs/s; empty when it cannot be predicted
  std::string reason;         // why not (empty when predicted)
  Prediction prediction;      // the roofline detail (oi and peak in the type it runs in, bound)
  std::int64_t ops = 0;       // ops per input of the variant (cost model)
};

class CatalogPredictor {
 public:
  explicit CatalogPredictor(std::span<const Platform> catalog);
  // `weights_batch`: inputs per weight read (StorageModel::batch). 1 is the paper's model and the
  // one stored predictions use; the row's own batch gives the OI of its deployment point. The
  // reference stays valid as long as the predictor.
  const CatalogPrediction& predict_row(const ResultRow& row, std::int64_t weights_batch = 1);
  // The catalog entry named `name` (case-insensitive), or nullptr.
  const Platform* find_platform(const std::string& name) const;

 private:
  struct Variant {
    std::optional<Graph> graph;  // empty when the zoo has no such topology
    std::string error;
  };
  const Variant& variant(const std::string& topology, double prune);
  CatalogPrediction compute(const ResultRow& row, std::int64_t weights_batch);

  // Everything a row's prediction depends on.
  using Key = std::tuple<std::string, std::string, std::string, double, std::string, std::string,
                         std::int64_t>;  // platform, op mode, topology, prune, precision, backend

  std::span<const Platform> catalog_;
  mutable std::unordered_map<std::string, const Platform*> platforms_;  // by the rows' spelling
  std::map<std::pair<std::string, double>, Variant> graphs_;
  std::map<std::tuple<std::string, double, std::string, std::int64_t>, NetworkCost> costs_;
  // Looked up by the row's own fields, without copies; values stay put when the table grows.
  std::unordered_map<Key, CatalogPrediction, TupleHash, std::equal_to<>> predictions_;
};

}  // namespace qtb::analytics
