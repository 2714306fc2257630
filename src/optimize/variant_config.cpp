#include "optimize/variant_config.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/limits.hpp"
#include "core/toml_document.hpp"
#include "data/locate.hpp"
#include "optimize/recipe_limits.hpp"
#include "train/recipe_names.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

constexpr std::string_view kRecipeKeys[] = {
    "epochs",       "batch_size", "optimizer",   "learning_rate", "momentum",
    "weight_decay", "schedule",   "step_epochs", "step_gamma",    "train_limit"};

class VariantReader : TomlReader {
 public:
  VariantReader(const toml::table& root, std::string file) : TomlReader(root, std::move(file)) {}

  VariantMatrixConfig read() {
    check_known_keys(
        root_, "",
        {"topology", "dataset", "output", "scales", "precisions", "pruning", "qat_init", "seed",
         "threads", "test_limit", "train", "qat", "fine_tune", "quantize"});
    VariantMatrixConfig c;
    c.topology = required_string("topology");
    try {
      (void)build_topology(c.topology, 1.0);
    } catch (const InputError& e) {
      fail(root_.get("topology"), "topology", e.what());
    }
    c.dataset = required_string("dataset");
    try {
      (void)locate_data_set(c.dataset);
    } catch (const InputError& e) {
      fail(root_.get("dataset"), "dataset", e.what());
    }
    c.output = required_string("output");
    c.scales = numbers(root_, "scales", {1.0}, 1e-6, 1.0);
    for (const auto& [node, name] : strings(root_, "precisions", true)) {
      try {
        c.precisions.push_back(parse_precision(name));
      } catch (const InputError& e) {
        fail(node, "precisions", e.what());
      }
    }
    if (const toml::node* node = root_.get("pruning")) {
      const std::string pruning = string_value(node, "pruning");
      if (pruning == "filter-l1") {
        c.pruning = ScalePruning::filter_l1;
      } else if (pruning != "scratch") {
        fail(node, "pruning", "expected \"scratch\" or \"filter-l1\"");
      }
    }
    if (const toml::node* node = root_.get("qat_init")) {
      const std::string init = string_value(node, "qat_init");
      if (init != "fp32" && init != "scratch")
        fail(node, "qat_init", "expected \"fp32\" or \"scratch\"");
      c.qat_from_fp32 = init == "fp32";
    }
    c.seed = static_cast<std::uint64_t>(
        checked_integer(root_, "seed", "seed", 1, [](std::string_view field, std::int64_t value) {
          check_range(field, value, 0, kMaxSeed);
        }));
    c.threads = static_cast<int>(checked_integer(root_, "threads", "threads", 2, check_threads));
    c.test_limit = integer(root_, "test_limit", 0, 0);

    c.train = recipe_table("train", TrainOptions{}, &c.train_by_precision);
    c.qat = recipe_table("qat", c.train, &c.qat_by_precision);
    c.fine_tune = recipe_table("fine_tune", c.train, nullptr);
    if (const toml::node* node = root_.get("quantize")) read_quantize(node, c.quantize);
    return c;
  }

 private:
  // An integer field checked by `check` (core/limits.hpp), whose message names the field, the
  // value and the range; the file and line go in front.
  template <typename Check>
  std::int64_t checked_integer(const toml::table& table, const std::string& key,
                               const std::string& field, std::int64_t fallback,
                               const Check& check) const {
    const toml::node* node = table.get(key);
    if (!node) return fallback;
    const auto value = node->value<std::int64_t>();
    if (!node->is_integer() || !value) fail(node, field, "expected an integer");
    try {
      check(field, *value);
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}:{}: {}", file_, node->source().begin.line, e.what()));
    }
    return *value;
  }

  // A count in [min, max] of `unit`.
  std::int64_t counted(const toml::table& table, const std::string& prefix, const std::string& key,
                       std::int64_t fallback, std::int64_t min, std::int64_t max,
                       std::string_view unit) const {
    return checked_integer(table, key, prefix + key, fallback,
                           [&](std::string_view field, std::int64_t value) {
                             check_range(field, value, min, max, unit);
                           });
  }

  std::string required_string(const std::string& key) const {
    const toml::node* node = root_.get(key);
    if (!node) fail(&root_, key, "missing");
    return string_value(node, key);
  }

  // [name] over `base`; its sub-tables named after a precision ([train.W1A1]) go to `overrides`.
  TrainOptions recipe_table(const std::string& name, const TrainOptions& base,
                            std::map<std::string, TrainOptions>* overrides) const {
    const toml::node* node = root_.get(name);
    if (!node) return base;
    const toml::table* table = node->as_table();
    if (!table) fail(node, name, "expected a table [" + name + "]");
    TrainOptions options = apply_recipe(*table, name + ".", base);
    for (const auto& [key, value] : *table) {
      const toml::table* sub = value.as_table();
      if (!sub) continue;
      const std::string field = name + "." + std::string(key.str());
      if (!overrides) fail(&value, field, "per-precision recipes are not supported here");
      Precision precision;
      try {
        precision = parse_precision(key.str());
      } catch (const InputError&) {
        fail(&value, field, "a sub-table must be named after a precision, e.g. [train.W1A1]");
      }
      // Outside the try: an error inside the sub-table says what is wrong there.
      (*overrides)[precision.name()] = apply_recipe(*sub, field + ".", options);
    }
    return options;
  }

  TrainOptions apply_recipe(const toml::table& table, const std::string& prefix,
                            TrainOptions o) const {
    for (const auto& [key, value] : table) {
      if (value.is_table()) continue;  // per-precision sub-tables, read by the caller
      if (std::find(std::begin(kRecipeKeys), std::end(kRecipeKeys), key.str()) ==
          std::end(kRecipeKeys)) {
        fail(&value, prefix + std::string(key.str()), "unknown field");
      }
    }
    o.epochs =
        static_cast<int>(counted(table, prefix, "epochs", o.epochs, 0, kMaxEpochs, "epochs"));
    o.batch_size = counted(table, prefix, "batch_size", o.batch_size, 1, kMaxTrainBatch, "images");
    if (const toml::node* node = table.get("optimizer")) {
      const std::string name = string_value(node, prefix + "optimizer");
      const auto kind = parse_optimizer(name);
      if (!kind)
        fail(node, prefix + "optimizer", "expected " + quoted_alternatives(optimizer_names()));
      o.optimizer = *kind;
    }
    o.learning_rate = number(table, "learning_rate", o.learning_rate, 0, 10);
    o.momentum = number(table, "momentum", o.momentum, 0, 1);
    o.weight_decay = number(table, "weight_decay", o.weight_decay, 0, 1);
    if (const toml::node* node = table.get("schedule")) {
      const std::string name = string_value(node, prefix + "schedule");
      const auto kind = parse_schedule(name);
      if (!kind)
        fail(node, prefix + "schedule", "expected " + quoted_alternatives(schedule_names()));
      o.schedule = *kind;
    }
    o.step_epochs = static_cast<int>(
        counted(table, prefix, "step_epochs", o.step_epochs, 0, kMaxEpochs, "epochs"));
    o.step_gamma = number(table, "step_gamma", o.step_gamma, 0, 1);
    o.train_limit = integer(table, "train_limit", o.train_limit, 0);
    return o;
  }

  void read_quantize(const toml::node* node, PtqOptions& q) const {
    const toml::table* table = node->as_table();
    if (!table) fail(node, "quantize", "expected a table [quantize]");
    check_known_keys(*table, "quantize.", {"method", "percentile", "calibration_images"});
    if (const toml::node* method = table->get("method")) {
      try {
        q.method = parse_calibration_method(string_value(method, "quantize.method"));
      } catch (const InputError& e) {
        fail(method, "quantize.method", e.what());
      }
    }
    q.percentile = number(*table, "percentile", q.percentile, 1e-6, 1);
    q.calibration_images = counted(*table, "quantize.", "calibration_images", q.calibration_images,
                                   1, kMaxCalibrationImages, "images");
  }
};

}  // namespace

std::string_view to_string(ScalePruning pruning) {
  return pruning == ScalePruning::scratch ? "scratch" : "filter-l1";
}

TrainOptions VariantMatrixConfig::recipe(const Precision& precision, bool from_fp32) const {
  const auto& overrides = from_fp32 ? qat_by_precision : train_by_precision;
  const auto found = overrides.find(precision.name());
  TrainOptions options = found != overrides.end() ? found->second : (from_fp32 ? qat : train);
  options.precision = precision;
  options.seed = seed;
  options.threads = threads;
  return options;
}

VariantMatrixConfig parse_variant_config(std::string_view toml_text, const std::string& file_name) {
  const toml::table root = parse_toml(toml_text, file_name);
  VariantMatrixConfig config = VariantReader(root, file_name).read();
  config.file = file_name;
  return config;
}

VariantMatrixConfig load_variant_config(const std::filesystem::path& file) {
  return parse_variant_config(read_text_file(file, "variant matrix config"), file.string());
}

}  // namespace qtb
