#include "optimize/variant_steps.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/text.hpp"
#include "graph/synaptic_pruning.hpp"
#include "measure/provenance.hpp"
#include "optimize/filter_pruning.hpp"
#include "train/recipe_names.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

using Json = nlohmann::ordered_json;

Json options_json(const TrainOptions& o) {
  return Json{{"precision", o.precision.name()},
              {"epochs", o.epochs},
              {"batch_size", o.batch_size},
              {"optimizer", optimizer_name(o.optimizer)},
              {"learning_rate", o.learning_rate},
              {"momentum", o.momentum},
              {"weight_decay", o.weight_decay},
              {"schedule", schedule_name(o.schedule)},
              {"step_epochs", o.step_epochs},
              {"step_gamma", o.step_gamma},
              {"seed", o.seed},
              {"threads", o.threads},
              {"train_limit", o.train_limit}};
}

ModelMetadata new_metadata(const std::string& topology, double scale, const Precision& precision,
                           const std::string& dataset, std::uint64_t seed) {
  ModelMetadata m;
  m.topology = topology;
  m.prune = scale;
  m.precision = precision.name();
  m.dataset = dataset;
  m.seed = seed;
  m.tool_version = collect_provenance({}).tool_version;
  m.created_at = utc_timestamp();
  return m;
}

ModelMetadata derived_metadata(const Parent& parent, double scale, const Precision& precision,
                               std::uint64_t seed) {
  ModelMetadata m = new_metadata(parent.file.metadata.topology, scale, precision,
                                 parent.file.metadata.dataset, seed);
  m.parent = parent.name;
  return m;
}

void check_dataset(const Parent& parent, const DataSet& data) {
  if (parent.file.metadata.dataset != data.name) {
    throw InputError(fmt::format("{} was trained on {}, not {}", parent.name,
                                 parent.file.metadata.dataset, data.name));
  }
}

void check_fp32(const Parent& parent, std::string_view step) {
  if (parent.file.metadata.precision != "FP32") {
    throw InputError(fmt::format("{} needs an FP32 model; {} is {}", step, parent.name,
                                 parent.file.metadata.precision));
  }
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Trains `start` and wraps the result with `metadata` (method and recipe filled by the caller).
MadeVariant trained(const Graph& start, const DataSet& train_set, const TrainOptions& options,
                    const EpochObserver& on_epoch, ModelMetadata metadata) {
  const auto begin = std::chrono::steady_clock::now();
  TrainResult result = train(start, train_set, options, on_epoch);
  return {std::move(result.graph), std::move(metadata), seconds_since(begin), options.epochs};
}

}  // namespace

std::string training_recipe(std::string_view kind, const TrainOptions& options,
                            const std::string& parent_created_at) {
  Json recipe{{"kind", kind}, {"train", options_json(options)}};
  if (!parent_created_at.empty()) recipe["parent_created_at"] = parent_created_at;
  return recipe.dump();
}

std::string ptq_recipe(const PtqOptions& options, const std::string& parent_created_at) {
  return Json{{"kind", "post-training quantization"},
              {"precision", options.precision.name()},
              {"method", std::string(to_string(options.method))},
              {"percentile", options.percentile},
              {"calibration_images", options.calibration_images},
              {"parent_created_at", parent_created_at}}
      .dump();
}

MadeVariant train_from_scratch(const std::string& topology, double scale, const DataSet& train_set,
                               const TrainOptions& options, const EpochObserver& on_epoch) {
  ModelMetadata metadata =
      new_metadata(topology, scale, options.precision, train_set.name, options.seed);
  metadata.method = is_float(options.precision.weights)
                        ? "trained from scratch at this scale"
                        : "quantization-aware training from scratch at this scale";
  metadata.recipe = training_recipe("scratch", options);
  return trained(build_topology(topology, scale), train_set, options, on_epoch,
                 std::move(metadata));
}

MadeVariant train_from(const Parent& parent, const DataSet& train_set, const TrainOptions& options,
                       const EpochObserver& on_epoch) {
  check_dataset(parent, train_set);
  ModelMetadata metadata =
      derived_metadata(parent, parent.file.metadata.prune, options.precision, options.seed);
  const bool qat = !is_float(options.precision.weights);
  metadata.method =
      fmt::format("{} from {} ({})", qat ? "quantization-aware training" : "fine-tuning",
                  parent.name, parent.file.metadata.precision);
  metadata.recipe =
      training_recipe(qat ? "qat" : "fine-tune", options, parent.file.metadata.created_at);
  return trained(parent.file.graph, train_set, options, on_epoch, std::move(metadata));
}

MadeVariant prune_filters(const Parent& parent, double scale, const DataSet& train_set,
                          const TrainOptions& fine_tune, const EpochObserver& on_epoch) {
  check_fp32(parent, "filter pruning");
  check_dataset(parent, train_set);
  const auto begin = std::chrono::steady_clock::now();
  const FilterPruningResult pruned =
      prune_filters_l1(parent.file.graph, build_topology(parent.file.metadata.topology, scale));
  ModelMetadata metadata = derived_metadata(parent, scale, fine_tune.precision, fine_tune.seed);
  metadata.method = fmt::format("filter pruning (L1 norm) of {} to scale {}, fine-tuned {} epochs",
                                parent.name, scale, fine_tune.epochs);
  metadata.recipe =
      training_recipe("filter-l1 + fine-tune", fine_tune, parent.file.metadata.created_at);
  MadeVariant made{pruned.graph, std::move(metadata), 0, 0};
  if (fine_tune.epochs > 0) {
    made = trained(pruned.graph, train_set, fine_tune, on_epoch, std::move(made.metadata));
  }
  made.seconds = seconds_since(begin);
  return made;
}

MadeVariant prune_synaptic(const Parent& parent, double sparsity, const DataSet& train_set,
                           const TrainOptions& fine_tune, const EpochObserver& on_epoch) {
  check_dataset(parent, train_set);
  const auto begin = std::chrono::steady_clock::now();
  Graph graph = parent.file.graph;
  prune_synapses(graph, sparsity);
  TrainOptions options = fine_tune;
  options.precision = parse_precision(parent.file.metadata.precision);
  options.freeze_zero_weights = true;
  ModelMetadata metadata =
      derived_metadata(parent, parent.file.metadata.prune, options.precision, options.seed);
  metadata.method = fmt::format(
      "synaptic pruning (magnitude) of {} to sparsity {}, fine-tuned "
      "{} epochs with the zeros kept",
      parent.name, sparsity, options.epochs);
  metadata.recipe =
      training_recipe("synaptic + fine-tune", options, parent.file.metadata.created_at);
  MadeVariant made{graph, std::move(metadata), 0, 0};
  if (options.epochs > 0) {
    made = trained(graph, train_set, options, on_epoch, std::move(made.metadata));
  }
  made.seconds = seconds_since(begin);
  return made;
}

MadeVariant quantize(const Parent& parent, const DataSet& calibration, const PtqOptions& options) {
  check_fp32(parent, "post-training quantization");
  check_dataset(parent, calibration);
  const auto begin = std::chrono::steady_clock::now();
  PtqResult result = quantize_post_training(parent.file.graph, calibration, options);
  ModelMetadata metadata = derived_metadata(parent, parent.file.metadata.prune, options.precision,
                                            parent.file.metadata.seed);
  metadata.method =
      is_float(options.precision.weights)
          ? fmt::format("post-training cast of {} (weights rounded by the backend)", parent.name)
          : fmt::format(
                "post-training quantization of {}: per-channel weights, activations by "
                "{} on {} training images",
                parent.name,
                options.method == CalibrationMethod::percentile
                    ? fmt::format("the {} percentile", options.percentile)
                    : std::string("min/max"),
                std::min(options.calibration_images, calibration.size()));
  metadata.recipe = ptq_recipe(options, parent.file.metadata.created_at);
  return {std::move(result.graph), std::move(metadata), seconds_since(begin), 0};
}

void check_model_output(const std::filesystem::path& output, const std::filesystem::path& parent,
                        std::string_view parent_option) {
  namespace fs = std::filesystem;
  const std::string shown = quote_value(output.string(), 80);
  std::error_code error;
  if (!parent.empty() && fs::equivalent(output, parent, error)) {
    throw InputError(fmt::format(
        "-o {} names the file {} reads: the new variant would replace its parent; give another "
        "file",
        shown, parent_option));
  }
  if (fs::is_directory(output, error)) {
    throw InputError(fmt::format("-o {} is a directory; give a .safetensors file name", shown));
  }
  const fs::path directory = output.parent_path().empty() ? "." : output.parent_path();
  if (!fs::is_directory(directory, error)) {
    throw InputError(fmt::format("-o {}: directory {} does not exist", shown,
                                 quote_value(directory.string(), 80)));
  }
}

void prepare_output_directory(const std::filesystem::path& directory, const std::string& what) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (!error && !std::filesystem::is_directory(directory, error)) {
    error = std::make_error_code(std::errc::not_a_directory);
  }
  if (!error && ::access(directory.c_str(), W_OK) != 0) {
    error = std::error_code(errno, std::generic_category());
  }
  if (error) {
    throw InputError(fmt::format("{}: cannot create directory {}: {}", what,
                                 quote_value(directory.string(), 80), error.message()));
  }
}

VariantAccuracy measure_and_save(MadeVariant& variant, const DataSet& test, int threads,
                                 std::int64_t test_limit, const std::filesystem::path& path) {
  const VariantAccuracy accuracy = measure_variant_accuracy(
      variant.graph, parse_precision(variant.metadata.precision), test, threads, test_limit, true);
  record_accuracy(variant.metadata, accuracy);
  save_model(path, variant.graph, variant.metadata);
  return accuracy;
}

}  // namespace qtb
