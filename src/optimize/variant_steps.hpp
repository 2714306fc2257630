#pragma once
// The steps that make variants, each from scratch or from a parent model file: training
// (from scratch, quantization-aware, fine-tuning), filter and synaptic pruning, post-training
// quantization. Each returns the new graph with its metadata (what, how, from which parent, the
// recipe); measure_and_save then measures its accuracy and writes the model file. Used by
// `qutibench optimize train|prune|quantize` and by the variant matrix.
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "data/dataset.hpp"
#include "graph/model_file.hpp"
#include "optimize/post_training_quantization.hpp"
#include "optimize/variant_accuracy.hpp"
#include "train/train.hpp"

namespace qtb {

struct MadeVariant {
  Graph graph;
  ModelMetadata metadata;  // all but the accuracy
  double seconds = 0;      // wall time of the step
  int epochs = 0;          // trained epochs
};

// A parent model file and the name it is referred to by in metadata.
struct Parent {
  const ModelFile& file;
  std::string name;
};

using EpochObserver = std::function<void(const EpochStats&)>;

// The recipe strings stored in metadata.recipe, also the key that decides whether a matrix
// variant can be resumed. `parent_created_at` ties a derived model to its parent's version.
std::string training_recipe(std::string_view kind, const TrainOptions& options,
                            const std::string& parent_created_at = {});
std::string ptq_recipe(const PtqOptions& options, const std::string& parent_created_at);

MadeVariant train_from_scratch(const std::string& topology, double scale, const DataSet& train_set,
                               const TrainOptions& options, const EpochObserver& on_epoch = {});
// Quantization-aware training (options.precision integer) or fine-tuning (FP32) of the parent.
MadeVariant train_from(const Parent& parent, const DataSet& train_set, const TrainOptions& options,
                       const EpochObserver& on_epoch = {});
// L1 filter pruning of an FP32 parent to the zoo's widths at `scale`, then fine-tuning
// (fine_tune.epochs may be 0).
MadeVariant prune_filters(const Parent& parent, double scale, const DataSet& train_set,
                          const TrainOptions& fine_tune, const EpochObserver& on_epoch = {});
// Synaptic pruning to `sparsity`, then fine-tuning that keeps the zeros (epochs may be 0).
MadeVariant prune_synaptic(const Parent& parent, double sparsity, const DataSet& train_set,
                           const TrainOptions& fine_tune, const EpochObserver& on_epoch = {});
// Post-training quantization (or an FP16/BF16 cast) of an FP32 parent; calibration images from
// `calibration` (the training split).
MadeVariant quantize(const Parent& parent, const DataSet& calibration, const PtqOptions& options);

// Refuses, before anything is loaded or trained, a model file `output` (option -o) that cannot be
// written or would replace the model it is made from: an existing directory, a file in a
// directory that does not exist, or the same file as `parent` in any spelling (symlinks, "./",
// hard links); `parent_option` names the option that gave the parent ("--model-file", "--from").
void check_model_output(const std::filesystem::path& output, const std::filesystem::path& parent,
                        std::string_view parent_option);

// Creates `directory` with its parents and checks it is writable: InputError "<what>: cannot
// create directory '<dir>': <reason>" otherwise.
void prepare_output_directory(const std::filesystem::path& directory, const std::string& what);

// Measures top-1 on `test` (all exact backends compared for integer precisions), records it in
// the metadata and saves the model file.
VariantAccuracy measure_and_save(MadeVariant& variant, const DataSet& test, int threads,
                                 std::int64_t test_limit, const std::filesystem::path& path);

}  // namespace qtb
