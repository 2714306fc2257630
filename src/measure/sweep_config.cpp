#include "measure/sweep_config.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/error.hpp"
#include "core/limits.hpp"
#include "core/toml_document.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

class SweepReader : TomlReader {
 public:
  SweepReader(const toml::table& root, std::string file) : TomlReader(root, std::move(file)) {}

  SweepConfig read() {
    check_known_keys(root_, "",
                     {"models", "prunes", "precisions", "model_files", "accuracy_limit", "backends",
                      "batches", "threads", "streams", "op_modes", "scenario", "sparsity", "seed",
                      "power", "idle_seconds", "harness"});
    const std::vector<DeploymentRequest> variants =
        root_.get("model_files") ? trained_variants() : zoo_variants();
    const auto backends = strings(root_, "backends", true);
    const auto batches = counts("batches", true, kBatchRange);
    const auto threads = thread_counts();
    const auto streams = counts("streams", false, kStreamsRange);
    auto op_modes = strings(root_, "op_modes", false);
    const auto sparsities = bounded_numbers("sparsity", 0.0, kSparsityRange);

    SweepConfig config;
    std::optional<Scenario> scenario;
    if (const toml::node* node = root_.get("scenario")) {
      const std::string name = string_value(node, "scenario");
      if (name != "auto") {
        try {
          scenario = parse_scenario(name);
        } catch (const InputError& e) {
          fail(node, "scenario", e.what());
        }
      }
    }
    // Seeds are unsigned 64-bit; a TOML integer holds the lower half of them, and no negatives.
    const std::uint64_t seed = static_cast<std::uint64_t>(
        bounded_count(root_, "seed", 1, {0, std::numeric_limits<std::int64_t>::max(), ""}));
    if (const toml::node* node = root_.get("power")) config.power = string_value(node, "power");
    config.idle_seconds =
        bounded_number(root_, "idle_seconds", config.idle_seconds, kIdleSecondsRange);
    if (const toml::node* node = root_.get("harness")) read_harness(node, config.harness);

    std::vector<std::string> modes;
    for (const auto& m : op_modes) modes.push_back(m.second);
    if (modes.empty()) modes.push_back("default");
    for (const DeploymentRequest& variant : variants)
      for (const auto& backend : backends)
        for (std::int64_t batch : batches)
          for (std::int64_t thread_count : threads)
            for (std::int64_t stream_count : streams)
              for (const auto& mode : modes)
                for (double sparsity : sparsities) {
                  DeploymentRequest p = variant;
                  p.backend = backend.second;
                  p.op_mode = mode;
                  p.batch = batch;
                  p.threads = static_cast<int>(thread_count);
                  p.streams = static_cast<int>(stream_count);
                  p.scenario = scenario;
                  p.sparsity = sparsity;
                  p.seed = seed;
                  config.points.push_back(p);
                }
    return config;
  }

 private:
  // models x prunes x precisions of the zoo, with seeded random weights.
  std::vector<DeploymentRequest> zoo_variants() const {
    const auto models = model_list();
    const auto prunes = prune_list();
    std::vector<Precision> precisions;
    for (const auto& [node, name] : strings(root_, "precisions", true)) {
      try {
        precisions.push_back(parse_precision(name));
      } catch (const InputError& e) {
        fail(node, "precisions", e.what());
      }
    }
    std::vector<DeploymentRequest> variants;
    for (const auto& model : models) {
      for (double prune : prunes) {
        for (const Precision& precision : precisions) {
          DeploymentRequest p;
          p.topology = model;
          p.prune = prune;
          p.precision = precision;
          variants.push_back(p);
        }
      }
    }
    return variants;
  }

  // Model files (a directory stands for its *.safetensors, sorted), each at its own precision,
  // with top-1 on its data set's test split after timing.
  std::vector<DeploymentRequest> trained_variants() const {
    for (const char* key : {"models", "prunes", "precisions"}) {
      if (root_.get(key)) {
        fail(root_.get(key), key, "model_files fixes topology, prune and precision; drop this");
      }
    }
    const std::int64_t accuracy_limit =
        bounded_count(root_, "accuracy_limit", 0, kAccuracyLimitRange);
    std::vector<DeploymentRequest> variants;
    for (const auto& [node, name] : strings(root_, "model_files", true)) {
      std::vector<std::filesystem::path> files;
      if (std::filesystem::is_directory(name)) {
        for (const auto& entry : std::filesystem::directory_iterator(name)) {
          if (entry.path().extension() == ".safetensors") files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        if (files.empty()) fail(node, "model_files", "no .safetensors file in " + name);
      } else {
        files.emplace_back(name);
      }
      for (const auto& file : files) {
        try {
          DeploymentRequest p = point_for_model_file(file.string());
          p.accuracy_limit = accuracy_limit;
          variants.push_back(p);
        } catch (const InputError& e) {
          fail(node, "model_files", e.what());
        }
      }
    }
    return variants;
  }

  std::vector<std::string> model_list() const {
    const toml::node* node = root_.get("models");
    std::string text;
    if (node && node->is_string()) {
      text = string_value(node, "models");
    } else {
      for (const auto& [item, name] : strings(root_, "models", true)) text += name + ",";
    }
    try {
      auto models = parse_model_list(text);
      for (const auto& m : models) (void)build_topology(m, 1.0);  // unknown names fail here
      return models;
    } catch (const InputError& e) {
      fail(node, "models", e.what());
    }
  }

  std::vector<double> prune_list() const {
    const toml::node* node = root_.get("prunes");
    if (node && node->is_string()) {
      try {
        return parse_prune_list(string_value(node, "prunes"));
      } catch (const InputError& e) {
        fail(node, "prunes", e.what());
      }
    }
    return bounded_numbers("prunes", 1.0, kPruneRange);
  }

  // Runs a range check whose message starts "field 'F' = VALUE is out of range", with the file
  // and the value's line in front.
  template <class Check>
  void at(const toml::node* node, Check&& check) const {
    try {
      check();
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}:{}: {}", file_, node->source().begin.line, e.what()));
    }
  }

  static std::string field_name(const std::string& field) { return "field '" + field + "'"; }

  std::int64_t whole_number(const toml::node& node, const std::string& field) const {
    const auto value = node.value<std::int64_t>();
    if (!node.is_integer() || !value) fail(&node, field, "expected a whole number");
    return *value;
  }

  // Every item of the list under `key` in `range`; [range.min] when the list is absent.
  std::vector<std::int64_t> counts(const std::string& key, bool required,
                                   const CountRange& range) const {
    const toml::array* list = array(root_, key, required);
    if (!list) return {range.min};
    std::vector<std::int64_t> out;
    for (const toml::node& item : *list) {
      const std::int64_t value = whole_number(item, key);
      at(&item, [&] { check_range(field_name(key), value, range.min, range.max, range.unit); });
      out.push_back(value);
    }
    return out;
  }

  // Threads: the same limit as everywhere (check_threads), before any backend is asked.
  std::vector<std::int64_t> thread_counts() const {
    std::vector<std::int64_t> out;
    for (const toml::node& item : *array(root_, "threads", true)) {
      const std::int64_t value = whole_number(item, "threads");
      at(&item, [&] { check_threads(field_name("threads"), value); });
      out.push_back(value);
    }
    return out;
  }

  std::vector<double> bounded_numbers(const std::string& key, double fallback,
                                      const NumberRange& range) const {
    const toml::array* list = array(root_, key, false);
    if (!list) return {fallback};
    std::vector<double> out;
    for (const toml::node& item : *list) {
      const auto value = item.value<double>();  // integers too
      if (!value) fail(&item, key, "expected numbers, e.g. [0, 0.5]");
      at(&item, [&] { check_number(field_name(key), *value, range.min, range.max, range.unit); });
      out.push_back(*value);
    }
    return out;
  }

  double bounded_number(const toml::table& table, const std::string& key, double fallback,
                        const NumberRange& range, const std::string& prefix = "") const {
    const toml::node* node = table.get(key);
    if (!node) return fallback;
    const auto value = node->value<double>();
    if (!value) fail(node, prefix + key, "expected a number");
    at(node,
       [&] { check_number(field_name(prefix + key), *value, range.min, range.max, range.unit); });
    return *value;
  }

  std::int64_t bounded_count(const toml::table& table, const std::string& key,
                             std::int64_t fallback, const CountRange& range,
                             const std::string& prefix = "") const {
    const toml::node* node = table.get(key);
    if (!node) return fallback;
    const std::int64_t value = whole_number(*node, prefix + key);
    at(node,
       [&] { check_range(field_name(prefix + key), value, range.min, range.max, range.unit); });
    return value;
  }

  void read_harness(const toml::node* node, HarnessOptions& h) const {
    const toml::table* table = node->as_table();
    if (!table) fail(node, "harness", "expected a table [harness]");
    check_known_keys(*table, "harness.",
                     {"warmup_seconds", "warmup_queries", "min_seconds", "min_queries",
                      "max_seconds", "max_queries", "max_median_ci"});
    h.warmup_seconds =
        bounded_number(*table, "warmup_seconds", h.warmup_seconds, kWarmupSecondsRange, "harness.");
    h.warmup_queries =
        bounded_count(*table, "warmup_queries", h.warmup_queries, kWarmupQueriesRange, "harness.");
    h.min_seconds =
        bounded_number(*table, "min_seconds", h.min_seconds, kMinSecondsRange, "harness.");
    h.min_queries =
        bounded_count(*table, "min_queries", h.min_queries, kMinQueriesRange, "harness.");
    h.max_seconds =
        bounded_number(*table, "max_seconds", h.max_seconds, kMaxSecondsRange, "harness.");
    h.max_queries =
        bounded_count(*table, "max_queries", h.max_queries, kMaxQueriesRange, "harness.");
    h.max_median_ci =
        bounded_number(*table, "max_median_ci", h.max_median_ci, kMaxMedianCiRange, "harness.");
    if (h.max_seconds < h.min_seconds)
      fail(table->get("max_seconds"), "harness.max_seconds", "must not be below min_seconds");
  }
};

}  // namespace

SweepConfig parse_sweep_config(std::string_view toml_text, const std::string& file_name) {
  const toml::table root = parse_toml(toml_text, file_name);
  return SweepReader(root, file_name).read();
}

SweepConfig load_sweep_config(const std::filesystem::path& file) {
  return parse_sweep_config(read_text_file(file, "sweep config"), file.string());
}

}  // namespace qtb
