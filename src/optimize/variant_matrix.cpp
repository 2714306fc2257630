#include "optimize/variant_matrix.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "data/locate.hpp"
#include "optimize/variant_steps.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

bool made_by_ptq(const Precision& p) {
  return is_float(p.weights) || p == Precision::uniform(DataType::INT8);
}

// A variant's model, made now or loaded from the file a previous run wrote.
struct Variant {
  MadeVariant made;
  bool reused = false;
  std::optional<VariantAccuracy> accuracy;  // measured when it was saved
  ModelFile as_file() const { return {made.graph, made.metadata}; }
};

class MatrixRunner {
 public:
  MatrixRunner(const VariantMatrixConfig& config, const MatrixProgress& progress)
      : config_(config), progress_(progress) {}

  std::vector<VariantOutcome> run() {
    // Checked first: a run that cannot save would lose every model it trained.
    prepare_output_directory(config_.output,
                             config_.file.empty() ? "output" : config_.file + ": output");
    const DataSetSource source = locate_data_set(config_.dataset);
    say(fmt::format("loading {} (train and test splits)", config_.dataset));
    train_set_ = load_data_set(source, Split::train);
    test_set_ = load_data_set(source, Split::test);

    std::vector<double> scales = config_.scales;
    if (config_.pruning == ScalePruning::filter_l1 &&
        std::find(scales.begin(), scales.end(), 1.0) == scales.end()) {
      scales.push_back(1.0);  // the model every pruned one comes from
    }
    std::stable_sort(scales.begin(), scales.end(), std::greater<>());
    const Precision fp32_precision = Precision::uniform(DataType::FP32);
    std::vector<VariantOutcome> outcomes;
    for (const double scale : scales) {
      Variant fp32 = fp32_model(scale);
      if (!fp32.reused) {
        // Saved at once: the other precisions and the pruned scales derive from the file.
        fp32.accuracy = measure_and_save(fp32.made, test_set_, config_.threads, config_.test_limit,
                                         variant_model_path(config_, scale, fp32_precision));
      }
      if (std::find(config_.scales.begin(), config_.scales.end(), scale) == config_.scales.end()) {
        continue;  // made only as the parent of the pruned scales
      }
      for (const Precision& precision : config_.precisions) {
        if (precision == fp32_precision) {
          outcomes.push_back(measure(fp32, scale, precision));
        } else {
          outcomes.push_back(measure(derive(fp32, scale, precision), scale, precision));
        }
      }
    }
    return outcomes;
  }

 private:
  void say(const std::string& line) const {
    if (progress_.message) progress_.message(line);
  }

  std::string label(double scale, const Precision& precision) const {
    return fmt::format("{} s={} {}", config_.topology, scale, precision.name());
  }

  TrainingProgress training_progress(double scale, const Precision& precision,
                                     const TrainOptions& options) const {
    return TrainingProgress(label(scale, precision), options.epochs, progress_.training);
  }

  // The model file when it exists and was made by `recipe`, else `make()`.
  template <typename Make>
  Variant obtain(double scale, const Precision& precision, const std::string& recipe,
                 const std::string& what, const Make& make) {
    const auto path = variant_model_path(config_, scale, precision);
    if (std::filesystem::exists(path)) {
      ModelFile file = load_model(path, build_topology);
      if (file.metadata.recipe == recipe) {
        say(fmt::format("{}: resumed from {}", label(scale, precision), path.string()));
        const auto stored = parse_json(recipe, path.string() + ": recipe");
        const int epochs = stored.contains("train") ? stored["train"].value("epochs", 0) : 0;
        return {{std::move(file.graph), std::move(file.metadata), 0, epochs}, true, std::nullopt};
      }
      say(fmt::format("{}: {} was made by another recipe; making it again", label(scale, precision),
                      path.string()));
    }
    say(fmt::format("{}: {}", label(scale, precision), what));
    return {make(), false, std::nullopt};
  }

  std::string parent_name(double scale) const {
    return variant_model_path(config_, scale, Precision::uniform(DataType::FP32))
        .filename()
        .string();
  }

  Variant fp32_model(double scale) {
    const Precision fp32 = Precision::uniform(DataType::FP32);
    if (config_.pruning == ScalePruning::filter_l1 && scale < 1.0) {
      const ModelFile base = load_model(variant_model_path(config_, 1.0, fp32), build_topology);
      TrainOptions options = config_.fine_tune;
      options.precision = fp32;
      options.seed = config_.seed;
      options.threads = config_.threads;
      const std::string recipe =
          training_recipe("filter-l1 + fine-tune", options, base.metadata.created_at);
      return obtain(scale, fp32, recipe,
                    fmt::format("filter pruning (L1) of {}, fine-tuning {} epochs",
                                parent_name(1.0), options.epochs),
                    [&] {
                      TrainingProgress progress = training_progress(scale, fp32, options);
                      return prune_filters({base, parent_name(1.0)}, scale, train_set_,
                                           progress.watched(options), progress.on_epoch());
                    });
    }
    const TrainOptions options = config_.recipe(fp32, false);
    return obtain(scale, fp32, training_recipe("scratch", options),
                  fmt::format("training from scratch, {} epochs", options.epochs), [&] {
                    TrainingProgress progress = training_progress(scale, fp32, options);
                    return train_from_scratch(config_.topology, scale, train_set_,
                                              progress.watched(options), progress.on_epoch());
                  });
  }

  Variant derive(const Variant& fp32, double scale, const Precision& precision) {
    const ModelFile parent = fp32.as_file();
    const Parent from{parent, parent_name(scale)};
    if (made_by_ptq(precision)) {
      PtqOptions options = config_.quantize;
      options.precision = precision;
      return obtain(scale, precision, ptq_recipe(options, parent.metadata.created_at),
                    "post-training quantization of " + from.name,
                    [&] { return quantize(from, train_set_, options); });
    }
    const TrainOptions options = config_.recipe(precision, config_.qat_from_fp32);
    if (!config_.qat_from_fp32) {
      return obtain(
          scale, precision, training_recipe("scratch", options),
          fmt::format("quantization-aware training from scratch, {} epochs", options.epochs), [&] {
            TrainingProgress progress = training_progress(scale, precision, options);
            return train_from_scratch(config_.topology, scale, train_set_,
                                      progress.watched(options), progress.on_epoch());
          });
    }
    return obtain(
        scale, precision, training_recipe("qat", options, parent.metadata.created_at),
        fmt::format("quantization-aware training from {}, {} epochs", from.name, options.epochs),
        [&] {
          TrainingProgress progress = training_progress(scale, precision, options);
          return train_from(from, train_set_, progress.watched(options), progress.on_epoch());
        });
  }

  VariantOutcome measure(Variant variant, double scale, const Precision& precision) {
    const auto path = variant_model_path(config_, scale, precision);
    const VariantAccuracy accuracy =
        variant.accuracy ? *variant.accuracy
        : variant.reused
            ? measure_variant_accuracy(variant.made.graph, precision, test_set_, config_.threads,
                                       config_.test_limit, true)
            : measure_and_save(variant.made, test_set_, config_.threads, config_.test_limit, path);
    const VariantOutcome out = make_outcome(variant.made, accuracy, path, variant.reused);
    say(fmt::format("{}: top-1 {:.2f} % [{:.2f}, {:.2f}] on {} {} test images ({})",
                    label(scale, precision), 100.0 * out.top1(), 100.0 * out.top1_interval.low,
                    100.0 * out.top1_interval.high, out.samples, out.dataset, out.backend));
    return out;
  }

  const VariantMatrixConfig& config_;
  const MatrixProgress& progress_;
  DataSet train_set_;
  DataSet test_set_;
};

}  // namespace

VariantOutcome make_outcome(const MadeVariant& variant, const VariantAccuracy& accuracy,
                            const std::filesystem::path& model_file, bool reused) {
  const ModelMetadata& m = variant.metadata;
  VariantOutcome out;
  out.topology = m.topology;
  out.prune = m.prune;
  out.precision = parse_precision(m.precision);
  out.dataset = accuracy.result.dataset;
  out.method = m.method;
  out.model_file = model_file;
  out.reused = reused;
  if (!reused) out.make_seconds = variant.seconds;
  out.epochs = variant.epochs;
  out.backend = accuracy.backend;
  out.samples = accuracy.result.samples;
  out.top1_correct = accuracy.result.top1_correct;
  out.top1_interval = accuracy.result.top1_interval95();
  out.agreement = accuracy.agreement;
  return out;
}

std::filesystem::path variant_model_path(const VariantMatrixConfig& config, double scale,
                                         const Precision& precision) {
  return config.output /
         fmt::format("{}-s{}-{}.safetensors", config.topology, scale, precision.name());
}

std::vector<VariantOutcome> run_variant_matrix(const VariantMatrixConfig& config,
                                               const MatrixProgress& progress) {
  return MatrixRunner(config, progress).run();
}

}  // namespace qtb
