#include "measure/batch_inference.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"
#include "core/limits.hpp"
#include "engine/registry.hpp"

namespace qtb {

NpyArray infer_batch(const Graph& graph, const std::string& backend, const Precision& precision,
                     const NpyArray& input, int threads) {
  const Shape& wanted = graph.shape(0);
  const std::int64_t batch = input.shape.front();
  const bool fits = input.shape.size() == 4
                        ? Shape{input.shape[1], input.shape[2], input.shape[3]} == wanted
                        : wanted.is_flat() && input.shape[1] == wanted.channels;
  if (!fits) {
    throw InputError(fmt::format(
        "the input has shape ({}); the model takes N x {}", fmt::join(input.shape, ", "),
        wanted.is_flat()
            ? std::to_string(wanted.channels)
            : fmt::format("{} x {} x {}", wanted.channels, wanted.height, wanted.width)));
  }
  check_range("batch", batch, 1, kMaxBatch, "inputs");
  CompileOptions options;
  options.threads = threads;
  options.max_batch = batch;
  const auto model = make_backend(backend)->compile(graph, precision, options);
  model->set_input(input.values, batch);
  model->run(batch);
  const Shape out = model->info().output;
  NpyArray output;
  output.shape = out.is_flat()
                     ? std::vector<std::int64_t>{batch, out.channels}
                     : std::vector<std::int64_t>{batch, out.channels, out.height, out.width};
  output.values.resize(static_cast<std::size_t>(batch * out.elements()));
  model->get_output(output.values, batch);
  return output;
}

}  // namespace qtb
