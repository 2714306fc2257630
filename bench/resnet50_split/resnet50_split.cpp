// ResNet-50 at batch 1: the whole compiled network against the sum of its convolutions, each
// compiled and timed alone as a one-conv graph through the same backend, precision and threads.
// Prints every conv's time, the sums and whole / sum, plus each compile time (the whole network's
// includes lower()'s calibration at integer precisions).
//
//   build/bench/qutibench_resnet50_split [--precision FP32,INT8] [--backend onednn] [--threads 1]
//                                        [--seconds 0.3] [--repeats 5]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "../conv_shapes.hpp"
#include "core/precision.hpp"
#include "engine/backend.hpp"
#include "engine/random_weights.hpp"
#include "engine/registry.hpp"
#include "zoo/zoo.hpp"

namespace qtb::bench {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Options {
  std::vector<Precision> precisions = {parse_precision("FP32"), parse_precision("INT8")};
  std::string backend = "onednn";
  int threads = 1;
  double seconds = 0.3;  // per repeat
  int repeats = 5;
};

struct Compiled {
  std::unique_ptr<CompiledModel> model;
  double compile_s = 0.0;
};

Compiled compile(const Graph& graph, const Options& o, const Precision& precision) {
  CompileOptions options;
  options.threads = o.threads;
  options.max_batch = 1;
  const auto start = Clock::now();
  Compiled c;
  c.model = make_backend(o.backend)->compile(graph, precision, options);
  c.compile_s = seconds_since(start);
  std::vector<float> pixels(static_cast<std::size_t>(graph.shape(0).elements()));
  for (std::size_t i = 0; i < pixels.size(); ++i) {
    pixels[i] = static_cast<float>((i * 37) % 256) / 256.0f;
  }
  c.model->set_input(pixels, 1);
  return c;
}

// Seconds per run(1): the median over `repeats` of the mean over at least `seconds` of runs.
double time_per_run(CompiledModel& model, const Options& o) {
  for (int i = 0; i < 3; ++i) model.run(1);
  std::vector<double> means;
  for (int r = 0; r < o.repeats; ++r) {
    const auto start = Clock::now();
    long runs = 0;
    double elapsed = 0.0;
    do {
      model.run(1);
      ++runs;
      elapsed = seconds_since(start);
    } while (elapsed < o.seconds);
    means.push_back(elapsed / static_cast<double>(runs));
  }
  std::sort(means.begin(), means.end());
  return means[means.size() / 2];
}

void split(const Options& o, const Precision& precision) {
  Graph network = build_resnet50(1.0);
  fill_random_weights(network, 1);
  fmt::print("\nResNet-50 batch 1, backend {}, {}, {} thread(s)\n", o.backend, precision.name(),
             o.threads);
  Compiled whole = compile(network, o, precision);
  fmt::print("compile of the whole network: {:.2f} s\n", whole.compile_s);
  const double whole_before = time_per_run(*whole.model, o);

  fmt::print("{:<28} {:>16} {:>9} {:>10} {:>8}\n", "conv", "input > out", "MMAC", "us", "GOP/s");
  double sum_s = 0.0, compile_s = 0.0;
  std::int64_t macs = 0;
  for (const ConvLayer& layer : conv_layers(network)) {
    Graph graph("one conv");
    graph.conv2d(graph.input(layer.input), layer.attrs, layer.name);
    fill_random_weights(graph, 1);
    Compiled conv = compile(graph, o, precision);
    const double s = time_per_run(*conv.model, o);
    fmt::print("{:<28} {:>16} {:>9.1f} {:>10.1f} {:>8.1f}\n", layer.name,
               fmt::format("{}x{}x{}>{}", layer.input.channels, layer.input.height,
                           layer.input.width, layer.attrs.out_channels),
               static_cast<double>(layer.macs()) * 1e-6, s * 1e6,
               2.0 * static_cast<double>(layer.macs()) / s * 1e-9);
    sum_s += s;
    compile_s += conv.compile_s;
    macs += layer.macs();
  }
  const double whole_after = time_per_run(*whole.model, o);
  const double whole_s = 0.5 * (whole_before + whole_after);
  fmt::print("sum of the {} convs timed alone: {:.3f} ms ({:.1f} GOP/s; compiles {:.1f} s)\n",
             conv_layers(network).size(), sum_s * 1e3,
             2.0 * static_cast<double>(macs) / sum_s * 1e-9, compile_s);
  fmt::print("whole network: {:.3f} ms (before the convs {:.3f}, after {:.3f})\n", whole_s * 1e3,
             whole_before * 1e3, whole_after * 1e3);
  fmt::print("whole / sum of convs = {:.3f}  ({:+.1f} %)\n", whole_s / sum_s,
             100.0 * (whole_s / sum_s - 1.0));
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--precision") {
      o.precisions = parse_precision_list(value);
    } else if (flag == "--backend") {
      o.backend = value;
    } else if (flag == "--threads") {
      o.threads = std::atoi(value);
    } else if (flag == "--seconds") {
      o.seconds = std::atof(value);
    } else if (flag == "--repeats") {
      o.repeats = std::max(1, std::atoi(value));
    } else {
      throw InputError("unknown option " + flag);
    }
  }
  return o;
}

}  // namespace
}  // namespace qtb::bench

int main(int argc, char** argv) {
  try {
    const auto options = qtb::bench::parse(argc, argv);
    for (const auto& precision : options.precisions) qtb::bench::split(options, precision);
  } catch (const std::exception& e) {
    fmt::print(stderr, "qutibench_resnet50_split: {}\n", e.what());
    return 2;
  }
  return 0;
}
