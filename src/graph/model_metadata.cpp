#include "graph/model_metadata.hpp"

#include <fmt/format.h>

#include <limits>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"
#include "graph/strict_json.hpp"

namespace qtb {
namespace {

void check_values(const ModelMetadata& m) {
  if (!(m.prune > 0.0 && m.prune <= 1.0)) {
    throw InputError(fmt::format("model metadata: prune must be in (0, 1], got {}", m.prune));
  }
  if (m.top1 && !(*m.top1 >= 0.0 && *m.top1 <= 1.0)) {
    throw InputError(fmt::format("model metadata: top1 must be in [0, 1], got {}", *m.top1));
  }
  if (m.top1_samples && *m.top1_samples < 1) {
    throw InputError(
        fmt::format("model metadata: top1_samples must be >= 1, got {}", *m.top1_samples));
  }
  if (!m.recipe.empty()) {
    constexpr const char* kRecipeRule = "model metadata: recipe must be empty or a JSON object";
    if (!parse_json(m.recipe, kRecipeRule).is_object()) {
      throw InputError(fmt::format("{}, got {}", kRecipeRule, quote_value(m.recipe)));
    }
  }
}

}  // namespace

nlohmann::json model_metadata_to_json(const ModelMetadata& m) {
  check_values(m);
  return {{"topology", m.topology},
          {"prune", m.prune},
          {"precision", m.precision},
          {"dataset", m.dataset},
          {"method", m.method},
          {"recipe", m.recipe},
          {"seed", m.seed},
          {"top1", m.top1 ? nlohmann::json(*m.top1) : nlohmann::json(nullptr)},
          {"top1_samples", m.top1_samples ? nlohmann::json(*m.top1_samples) : nlohmann::json()},
          {"top1_backend", m.top1_backend},
          {"parent", m.parent},
          {"tool_version", m.tool_version},
          {"created_at", m.created_at}};
}

ModelMetadata model_metadata_from_json(const nlohmann::json& json) {
  StrictJsonObject object(json, "model metadata");
  ModelMetadata m;
  m.topology = object.string("topology");
  m.prune = object.number("prune");
  m.precision = object.string("precision");
  m.dataset = object.string("dataset");
  m.method = object.string("method");
  m.recipe = object.string("recipe");
  m.seed = object.unsigned_integer("seed");
  m.top1 = object.optional_number("top1");
  m.top1_samples =
      object.optional_integer("top1_samples", std::numeric_limits<std::int64_t>::min());
  m.top1_backend = object.string("top1_backend");
  m.parent = object.string("parent");
  m.tool_version = object.string("tool_version");
  m.created_at = object.string("created_at");
  object.finish();
  check_values(m);
  return m;
}

}  // namespace qtb
