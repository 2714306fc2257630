// `qutibench optimize train|prune|quantize|matrix`: make variants (docs/accuracy.md). Each step
// saves a model file whose top-1 on the test split was measured by the backend that runs it.
#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/file.hpp"
#include "core/limits.hpp"
#include "data/locate.hpp"
#include "measure/progress.hpp"
#include "number_options.hpp"
#include "optimize/recipe_limits.hpp"
#include "optimize/training_progress.hpp"
#include "optimize/variant_matrix.hpp"
#include "report/accuracy_table.hpp"
#include "train/recipe_names.hpp"
#include "zoo/zoo.hpp"

namespace qtb::app {
namespace {

struct TrainFlags {
  TrainOptions options;
  std::int64_t seed = 1;  // signed, so that --seed -1 is refused instead of wrapping around
  std::string optimizer = "adam";
  std::string schedule = "cosine";
  std::string precision = "FP32";
};

void add_train_options(CLI::App* command, TrainFlags& f, int default_epochs) {
  f.options.epochs = default_epochs;
  command->add_option("--epochs", f.options.epochs, "passes over the training set (0 to 10000)")
      ->capture_default_str();
  command->add_option("--batch-size", f.options.batch_size, "images per mini-batch (1 to 1024)")
      ->capture_default_str();
  command->add_option("--optimizer", f.optimizer, "adam or sgd (with momentum)")
      ->capture_default_str()
      ->check(CLI::IsMember(optimizer_names()));
  add_number_option(command, "--lr", f.options.learning_rate, {1e-9, 10, ""},
                    "initial learning rate");
  add_number_option(command, "--momentum", f.options.momentum, {0, 0.999, ""}, "sgd momentum");
  add_number_option(command, "--weight-decay", f.options.weight_decay, {0, 1, ""},
                    "L2 on conv/dense weights");
  command->add_option("--schedule", f.schedule, "constant, cosine or step")
      ->capture_default_str()
      ->check(CLI::IsMember(schedule_names()));
  command->add_option("--step-epochs", f.options.step_epochs, "step schedule: epochs per step")
      ->capture_default_str();
  add_number_option(command, "--step-gamma", f.options.step_gamma, {1e-6, 1, ""},
                    "step schedule: factor per step");
  command->add_option("--seed", f.seed, "initialisation and batch order (0 or more)")
      ->capture_default_str();
  command->add_option("--threads", f.options.threads, "threads (results depend on it)")
      ->capture_default_str();
  add_count_option(command, "--train-limit", f.options.train_limit, {0, 1'000'000'000, "images"},
                   "first N training images (0: all)");
}

// The recipe from the options, their ranges checked (optimize/recipe_limits.hpp) before any
// model or data is loaded.
TrainOptions resolve(const TrainFlags& f) {
  TrainOptions o = f.options;
  check_range("--epochs", o.epochs, 0, kMaxEpochs, "epochs");
  check_range("--batch-size", o.batch_size, 1, kMaxTrainBatch, "images");
  check_range("--step-epochs", o.step_epochs, 0, kMaxEpochs, "epochs");
  check_range("--seed", f.seed, 0, kMaxSeed);
  check_threads("--threads", o.threads);
  o.seed = static_cast<std::uint64_t>(f.seed);
  o.optimizer = *parse_optimizer(f.optimizer);  // checked by the option
  o.schedule = *parse_schedule(f.schedule);
  o.precision = parse_precision(f.precision);
  return o;
}

// Epoch lines on stderr always; a live batch line with ETA on a terminal.
TrainingDisplay training_display() {
  return {stderr, stderr_is_terminal()};
}

struct OutputFlags {
  std::string output;
  std::int64_t test_limit = 0;
  std::string format = "table";
};

void add_output_options(CLI::App* command, OutputFlags& f) {
  command->add_option("-o,--output", f.output, "model file to write (.safetensors)")->required();
  add_count_option(command, "--test-limit", f.test_limit, {0, 1'000'000'000, "images"},
                   "first N test images for top-1 (0: all)");
  command->add_option("--format", f.format, "table, csv or json")->capture_default_str();
}

// Loads the data set the variant belongs to; the training split only when needed.
struct Splits {
  DataSet train;
  DataSet test;
};
Splits load_splits(const std::string& dataset) {
  const DataSetSource source = locate_data_set(dataset);
  return {load_data_set(source, Split::train), load_data_set(source, Split::test)};
}

void finish(MadeVariant& made, const Splits& data, int threads, const OutputFlags& f) {
  const OutputFormat format = parse_output_format(f.format);
  const VariantAccuracy accuracy =
      measure_and_save(made, data.test, threads, f.test_limit, f.output);
  const VariantOutcome outcome = make_outcome(made, accuracy, f.output, false);
  fmt::print("{}", render_accuracy_outcomes(std::span(&outcome, 1), format));
  fmt::print(stderr, "wrote {}\n", f.output);
}

void register_train(CLI::App* optimize) {
  struct Options {
    std::string model, dataset, from;
    double prune = 1.0;
    TrainFlags train;
    OutputFlags out;
  };
  auto o = std::make_shared<Options>();
  auto* c = optimize->add_subcommand(
      "train",
      "train a variant from scratch, or fine-tune / quantization-aware train a model file");
  c->add_option("--model", o->model, "topology (mlp, cnv)");
  c->add_option("--prune", o->prune, "pruning scale: the topology's width")->capture_default_str();
  c->add_option("--precision", o->train.precision, "FP32, or WxAy for quantization-aware training")
      ->capture_default_str();
  c->add_option("--dataset", o->dataset, "mnist, fashion-mnist-32x32x3, cifar10 ...");
  c->add_option("--from", o->from, "start from this model file (same topology and scale)");
  add_train_options(c, o->train, 10);
  add_output_options(c, o->out);
  c->callback([o] {
    const TrainOptions recipe = resolve(o->train);
    check_model_output(o->out.output, o->from, "--from");
    const std::string variant =
        fmt::format("{} {}", o->from.empty() ? o->model : o->from, recipe.precision.name());
    if (!o->from.empty()) {
      const ModelFile parent = load_model(o->from, build_topology);
      const Splits data = load_splits(o->dataset.empty() ? parent.metadata.dataset : o->dataset);
      TrainingProgress progress(variant, recipe.epochs, training_display());
      MadeVariant made =
          train_from({parent, o->from}, data.train, progress.watched(recipe), progress.on_epoch());
      finish(made, data, recipe.threads, o->out);
      return;
    }
    if (o->model.empty() || o->dataset.empty()) {
      throw InputError("optimize train needs --model and --dataset (or --from FILE)");
    }
    const Splits data = load_splits(o->dataset);
    TrainingProgress progress(variant, recipe.epochs, training_display());
    MadeVariant made = train_from_scratch(o->model, o->prune, data.train, progress.watched(recipe),
                                          progress.on_epoch());
    finish(made, data, recipe.threads, o->out);
  });
}

void register_prune(CLI::App* optimize) {
  struct Options {
    std::string model_file, method = "filter-l1";
    double prune = 0;
    double sparsity = 0;
    TrainFlags fine_tune;
    OutputFlags out;
  };
  auto o = std::make_shared<Options>();
  auto* c = optimize->add_subcommand(
      "prune",
      "filter pruning by L1 norm to a scale, or synaptic pruning to a sparsity, then "
      "fine-tuning");
  c->add_option("--model-file", o->model_file, "the trained model to prune")->required();
  c->add_option("--method", o->method, "filter-l1 or synaptic")
      ->capture_default_str()
      ->check(CLI::IsMember({"filter-l1", "synaptic"}));
  auto* prune = c->add_option("--prune", o->prune, "filter-l1 (required): the target scale");
  auto* sparsity = add_number_option(c, "--sparsity", o->sparsity, {0, 0.999, ""},
                                     "synaptic (required): fraction of weights zeroed");
  add_train_options(c, o->fine_tune, 2);
  add_output_options(c, o->out);
  c->callback([o, prune, sparsity] {
    // Each method has its own amount; a default would silently prune by an amount nobody chose.
    const bool filters = o->method == "filter-l1";
    if (filters && prune->count() == 0) {
      throw InputError("optimize prune --method filter-l1 needs --prune P (the scale to keep)");
    }
    if (!filters && sparsity->count() == 0) {
      throw InputError(
          "optimize prune --method synaptic needs --sparsity S (the fraction of weights zeroed)");
    }
    if ((filters ? sparsity : prune)->count() > 0) {
      throw InputError(fmt::format("optimize prune --method {}: {} belongs to --method {}",
                                   o->method, filters ? "--sparsity" : "--prune",
                                   filters ? "synaptic" : "filter-l1"));
    }
    check_model_output(o->out.output, o->model_file, "--model-file");
    TrainFlags flags = o->fine_tune;
    (void)resolve(flags);  // the fine-tuning recipe's ranges, before anything is loaded
    const ModelFile parent = load_model(o->model_file, build_topology);
    const Splits data = load_splits(parent.metadata.dataset);
    flags.precision = parent.metadata.precision;
    const TrainOptions recipe = resolve(flags);
    TrainingProgress progress(o->out.output, recipe.epochs, training_display());
    const TrainOptions options = progress.watched(recipe);
    const EpochObserver on_epoch = progress.on_epoch();
    MadeVariant made =
        filters
            ? prune_filters({parent, o->model_file}, o->prune, data.train, options, on_epoch)
            : prune_synaptic({parent, o->model_file}, o->sparsity, data.train, options, on_epoch);
    finish(made, data, options.threads, o->out);
  });
}

void register_quantize(CLI::App* optimize) {
  struct Options {
    std::string model_file, precision = "INT8", method = "percentile";
    PtqOptions ptq;
    int threads = 2;
    OutputFlags out;
  };
  auto o = std::make_shared<Options>();
  auto* c = optimize->add_subcommand(
      "quantize",
      "post-training quantization of an FP32 model file: INT8 or WxAy (x, y >= 2) "
      "with activation ranges calibrated on training images; FP16/BF16 casts");
  c->add_option("--model-file", o->model_file, "the FP32 model")->required();
  c->add_option("--precision", o->precision, "INT8, W4A4, W2A2, FP16, BF16 ...")
      ->capture_default_str();
  c->add_option("--calibration", o->method, "minmax or percentile")->capture_default_str();
  c->add_option("--percentile", o->ptq.percentile, "of |x| per tensor, in (0, 1]")
      ->capture_default_str();
  c->add_option("--calibration-images", o->ptq.calibration_images,
                "first N training images (1 to 1000000)")
      ->capture_default_str();
  c->add_option("--threads", o->threads, "threads of the accuracy runs")->capture_default_str();
  add_output_options(c, o->out);
  c->callback([o] {
    PtqOptions options = o->ptq;
    options.precision = parse_precision(o->precision);
    options.method = parse_calibration_method(o->method);
    check_range("--calibration-images", options.calibration_images, 1, kMaxCalibrationImages,
                "images");
    check_threads("--threads", o->threads);
    check_model_output(o->out.output, o->model_file, "--model-file");
    const ModelFile parent = load_model(o->model_file, build_topology);
    const Splits data = load_splits(parent.metadata.dataset);
    MadeVariant made = quantize({parent, o->model_file}, data.train, options);
    finish(made, data, o->threads, o->out);
  });
}

void register_matrix(CLI::App* optimize) {
  struct Options {
    std::string config, format = "table";
  };
  auto o = std::make_shared<Options>();
  auto* c = optimize->add_subcommand(
      "matrix",
      "make and measure a variant matrix (scales x precisions) from a config file; "
      "resumes where a previous run stopped");
  c->add_option("--config", o->config, "TOML file, e.g. data/variants/mlp-mnist.toml")->required();
  c->add_option("--format", o->format, "table, csv or json (the per-variant rows)")
      ->capture_default_str();
  c->callback([o] {
    const OutputFormat format = parse_output_format(o->format);
    const VariantMatrixConfig config = load_variant_config(o->config);
    MatrixProgress progress;
    progress.message = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
    progress.training = training_display();
    const std::vector<VariantOutcome> outcomes = run_variant_matrix(config, progress);
    const std::string rows_csv = render_accuracy_outcomes(outcomes, OutputFormat::Csv);
    write_file_atomically(config.output / "accuracy.csv", rows_csv);
    write_file_atomically(config.output / "accuracy.json",
                          render_accuracy_outcomes(outcomes, OutputFormat::Json));
    write_file_atomically(config.output / "accuracy.md", render_accuracy_pivot(outcomes));
    fmt::print("{}", render_accuracy_outcomes(outcomes, format));
    if (format == OutputFormat::Table) fmt::print("\n{}", render_accuracy_pivot(outcomes));
    fmt::print(stderr, "wrote {}/accuracy.{{csv,json,md}} and the model files\n",
               config.output.string());
  });
}

}  // namespace

void register_optimize(CLI::App& app) {
  auto* optimize = app.add_subcommand(
      "optimize", "make variants: train (from scratch, QAT, fine-tune), prune, quantize, matrix");
  optimize->require_subcommand(1);
  register_train(optimize);
  register_prune(optimize);
  register_quantize(optimize);
  register_matrix(optimize);
}

}  // namespace qtb::app
