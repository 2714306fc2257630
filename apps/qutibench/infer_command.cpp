// `qutibench infer`: one batch of a model file through a backend, .npy in and out.
#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "core/precision.hpp"
#include "data/npy_array.hpp"
#include "measure/batch_inference.hpp"
#include "number_options.hpp"
#include "onnx/onnx_import.hpp"

namespace qtb::app {

void register_infer(CLI::App& app) {
  struct Options {
    std::string model_file;
    std::string input;
    std::string output;
    std::string backend = "reference";
    std::string precision = "FP32";
    int threads = 1;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "infer", "run one batch of a model file (.onnx or qutibench's) and write its outputs");
  command->add_option("--model-file", o->model_file, "an ONNX model or a qutibench model file")
      ->required();
  command->add_option("--input", o->input, "float32 .npy, N x C x H x W or N x features")
      ->required();
  command->add_option("-o,--output", o->output, ".npy to write the outputs (logits) to")
      ->required();
  command->add_option("--backend", o->backend, "reference, onednn, gemmlowp, lowbit, sparse")
      ->capture_default_str();
  command->add_option("--precision", o->precision, "FP32, FP16, BF16, INT8, WxAy")
      ->capture_default_str();
  add_threads_option(command, "--threads", o->threads, false, "threads of the backend");
  command->callback([o] {
    const Precision precision = parse_precision(o->precision);
    const NpyArray input = read_npy(o->input);
    const Graph graph = load_model_graph(o->model_file);
    const NpyArray output = infer_batch(graph, o->backend, precision, input, o->threads);
    write_npy(o->output, output);
    fmt::print(stderr, "wrote {} ({} outputs of {} x {} {} on {})\n", o->output,
               output.shape.front(), output.values.size() / output.shape.front(), precision.name(),
               graph.name(), o->backend);
  });
}

}  // namespace qtb::app
