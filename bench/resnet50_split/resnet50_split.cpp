// ResNet-50 at batch 1: the whole compiled network against the sum of its convolutions, each
// compiled and timed alone through the same backend, precision and threads. Prints every conv's
// time, the sums and whole / sum, plus each compile time (the whole network's includes lower()'s
// calibration at integer precisions).
//
// "A conv alone" is the conv as the backend runs it inside the network, minus its inputs from
// other layers: at float precisions the one-conv graph keeps the batchnorm and ReLU that follow
// the conv in ResNet-50, which the onednn backend folds into the conv's bias and an eltwise
// post-op exactly as in the network (the residual add, a layer of its own, stays out). At INT8
// the one-conv graph is its network's last layer, so it ends at the s32 accumulators: the same
// oneDNN primitive (no post-ops) the network runs; the network's requantization after it is
// our own step and counted as such by --profile. --bare 1 times the convs without batchnorm/ReLU
// (the definition this program used first).
//
// With the onednn backend, --profile 1 (the default) also times every step of the whole
// network's compiled plan (ModelBase::profile, outside the timed runs) and splits whole - sum into
// the steps that are not convs and the convs' slowdown inside the network (cold weights and
// activations).
//
//   build/bench/qutibench_resnet50_split [--precision FP32,INT8] [--backend onednn] [--threads 1]
//                                        [--seconds 0.3] [--repeats 5] [--profile 1] [--steps 0]
//                                        [--wall 0] [--bare 0]
//
// Times are CPU time of the calling thread at 1 thread (--wall 1: wall time), wall time otherwise.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../conv_shapes.hpp"
#include "bench_options.hpp"
#include "core/precision.hpp"
#include "engine/backend.hpp"
#include "engine/onednn/model_base.hpp"
#include "engine/random_weights.hpp"
#include "engine/registry.hpp"
#include "number_options.hpp"
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
  bool profile = true;  // per-step times of the whole network (onednn only)
  bool steps = false;   // print every step, not only the totals per kind
  bool wall = false;    // wall time even at 1 thread
  bool bare = false;  // convs alone without their batchnorm/ReLU (the definition before 2026-11-23)
};

// The run times: at 1 thread the calling thread's CPU time (oneDNN and our kernels run on it), so
// that other processes on a shared machine do not count; else wall time.
onednn::ProfileClock run_clock(const Options& o) {
  return o.threads == 1 && !o.wall ? onednn::ProfileClock::ThreadCpu : onednn::ProfileClock::Wall;
}

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

// Seconds per run(1): the fastest over `repeats` of the mean over at least `seconds` of runs. The
// fastest, not the median: on a shared machine other processes only ever add time, and the whole
// network and every conv are timed the same way.
double time_per_run(CompiledModel& model, const Options& o) {
  for (int i = 0; i < 3; ++i) model.run(1);
  std::vector<double> means;
  const onednn::ProfileClock clock = run_clock(o);
  for (int r = 0; r < o.repeats; ++r) {
    const double start = onednn::clock_seconds(clock);
    long runs = 0;
    double elapsed = 0.0;
    do {
      model.run(1);
      ++runs;
      elapsed = onednn::clock_seconds(clock) - start;
    } while (elapsed < o.seconds);
    means.push_back(elapsed / static_cast<double>(runs));
  }
  return *std::min_element(means.begin(), means.end());
}

// The one-conv graph of `conv` (a node of `network`): at float precisions with the batchnorm that
// is the conv's only reader and the ReLU that is the batchnorm's only reader, where there are such
// (see the header comment).
Graph one_conv_graph(const Graph& network, int conv, const Precision& precision, bool bare) {
  const Node& node = network.node(conv);
  Graph graph("one conv");
  int y = graph.conv2d(graph.input(network.shape(node.inputs.front())),
                       std::get<Conv2dAttrs>(node.attrs), node.name);
  if (bare || !is_float(precision.activations)) return graph;
  auto only_reader = [&](int id) {
    int reader = -1;
    for (int i = 0; i < network.size(); ++i) {
      for (int in : network.node(i).inputs) {
        if (in != id) continue;
        if (reader >= 0) return -1;
        reader = i;
      }
    }
    return reader;
  };
  const int bn = only_reader(conv);
  if (bn < 0 || network.node(bn).kind != OpKind::BatchNorm) return graph;
  y = graph.batch_norm(y, network.node(bn).name);
  const int act = only_reader(bn);
  if (act >= 0 && network.node(act).kind == OpKind::Activation) {
    y = graph.activation(y, std::get<ActivationAttrs>(network.node(act).attrs).kind,
                         network.node(act).name);
  }
  return graph;
}

// Where whole - sum goes, from the steps of the whole network's plan.
void print_profile(onednn::ModelBase& model, const Options& o, double whole_s,
                   const std::map<std::string, double>& alone_s) {
  const int runs = std::max(21, static_cast<int>(o.seconds * o.repeats / std::max(whole_s, 1e-6)));
  const std::vector<onednn::StepTime> steps = model.profile(1, runs, 5, run_clock(o));
  struct Kind {
    int count = 0;
    double in_sequence = 0.0, repeated = 0.0;
  };
  std::map<std::string, Kind> kinds;
  double total = 0.0, conv_seq = 0.0, conv_rep = 0.0, conv_alone = 0.0, epilogue = 0.0;
  if (o.steps) {
    fmt::print("\n{:<28} {:<16} {:>10} {:>10} {:>10}\n", "step (op)", "what", "in seq us",
               "repeat us", "alone us");
  }
  for (const onednn::StepTime& s : steps) {
    Kind& k = kinds[s.what];
    ++k.count;
    k.in_sequence += s.in_sequence_s;
    k.repeated += s.repeated_s;
    total += s.in_sequence_s;
    if (s.what.starts_with("requantize")) epilogue += s.repeated_s;
    const auto alone = alone_s.find(s.op);
    const bool conv = s.what == "convolution" && alone != alone_s.end();
    if (conv) {
      conv_seq += s.in_sequence_s;
      conv_rep += s.repeated_s;
      conv_alone += alone->second;
    }
    if (o.steps) {
      fmt::print("{:<28} {:<16} {:>10.1f} {:>10.1f} {:>10}\n", s.op, s.what, s.in_sequence_s * 1e6,
                 s.repeated_s * 1e6, conv ? fmt::format("{:.1f}", alone->second * 1e6) : "");
    }
  }
  fmt::print(
      "\nprofile of the whole network's {} steps (in seq = median of {} runs step by step; "
      "repeat = fastest of 5 back-to-back runs of the step alone):\n",
      steps.size(), runs);
  fmt::print("{:<18} {:>6} {:>12} {:>12} {:>9}\n", "what", "steps", "in seq ms", "repeat ms",
             "of whole");
  for (const auto& [what, k] : kinds) {
    fmt::print("{:<18} {:>6} {:>12.3f} {:>12.3f} {:>8.1f}%\n", what, k.count, k.in_sequence * 1e3,
               k.repeated * 1e3, 100.0 * k.in_sequence / total);
  }
  fmt::print("sum of steps in sequence {:.3f} ms (run(): {:.3f} ms)\n", total * 1e3, whole_s * 1e3);
  fmt::print("convs: in the network {:.3f} ms, repeated in place {:.3f} ms, alone {:.3f} ms\n",
             conv_seq * 1e3, conv_rep * 1e3, conv_alone * 1e3);
  fmt::print(
      "whole - sum = {:.3f} ms: convs slower in the network {:+.3f} ms, other steps {:.3f} "
      "ms, unaccounted (run() vs steps) {:+.3f} ms\n",
      (whole_s - conv_alone) * 1e3, (conv_seq - conv_alone) * 1e3, (total - conv_seq) * 1e3,
      (whole_s - total) * 1e3);
  if (epilogue > 0.0) {
    // INT8: the network's conv is the bare s32 primitive plus our requantization step, so the
    // conv "with its epilogue" alone is the sum of both (the epilogue's warm, repeated time;
    // requantize+add also does the residual add, which FP32 fuses as a sum post-op).
    fmt::print("whole / (convs alone + their requantize steps, {:.3f} ms) = {:.3f}\n",
               (conv_alone + epilogue) * 1e3, whole_s / (conv_alone + epilogue));
  }
}

void split(const Options& o, const Precision& precision) {
  Graph network = build_resnet50(1.0);
  fill_random_weights(network, 1);
  fmt::print("\nResNet-50 batch 1, backend {}, {}, {} thread(s), {}\n", o.backend, precision.name(),
             o.threads,
             run_clock(o) == onednn::ProfileClock::ThreadCpu ? "thread CPU time" : "wall time");
  Compiled whole = compile(network, o, precision);
  fmt::print("compile of the whole network: {:.2f} s\n", whole.compile_s);
  const double whole_before = time_per_run(*whole.model, o);

  fmt::print("{:<28} {:>16} {:>9} {:>10} {:>8}\n", "conv", "input > out", "MMAC", "us", "GOP/s");
  double sum_s = 0.0, compile_s = 0.0;
  std::int64_t macs = 0;
  std::map<std::string, double> alone_s;  // by conv node name
  std::vector<int> conv_nodes;
  for (int i = 0; i < network.size(); ++i) {
    if (network.node(i).kind == OpKind::Conv2d) conv_nodes.push_back(i);
  }
  const std::vector<ConvLayer> layers = conv_layers(network);
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const ConvLayer& layer = layers[l];
    Graph graph = one_conv_graph(network, conv_nodes[l], precision, o.bare);
    fill_random_weights(graph, 1);
    Compiled conv = compile(graph, o, precision);
    const double s = time_per_run(*conv.model, o);
    fmt::print("{:<28} {:>16} {:>9.1f} {:>10.1f} {:>8.1f}\n", layer.name,
               fmt::format("{}x{}x{}>{}", layer.input.channels, layer.input.height,
                           layer.input.width, layer.attrs.out_channels),
               static_cast<double>(layer.macs()) * 1e-6, s * 1e6,
               2.0 * static_cast<double>(layer.macs()) / s * 1e-9);
    sum_s += s;
    alone_s[network.node(conv_nodes[l]).name] = s;
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
  if (o.profile) {
    if (auto* model = dynamic_cast<onednn::ModelBase*>(whole.model.get())) {
      print_profile(*model, o, whole_s, alone_s);
    } else {
      fmt::print("(--profile: only the onednn backend has per-step times)\n");
    }
  }
}

// The options as the comment at the top lists them, with their defaults.
void add_options(CLI::App& app, Options& o, std::string& precisions) {
  app.add_option("--precision", precisions, "comma-separated precisions, e.g. FP32,INT8")
      ->capture_default_str();
  app.add_option("--backend", o.backend, "the backend that compiles the network and the convs")
      ->capture_default_str();
  app::add_threads_option(&app, "--threads", o.threads, false, "threads of every compiled model");
  app::add_number_option(&app, "--seconds", o.seconds, {1e-3, 3600, "seconds"},
                         "timed seconds per repeat");
  app::add_count_option(&app, "--repeats", o.repeats, {1, 1000, "repeats"},
                        "repeats per timing (the fastest is kept)");
  app.add_option("--profile", o.profile, "1: per-step times of the whole network (onednn)")
      ->capture_default_str();
  app.add_option("--steps", o.steps, "1: print every step, not only the totals per kind")
      ->capture_default_str();
  app.add_option("--wall", o.wall, "1: wall time even at 1 thread")->capture_default_str();
  app.add_option("--bare", o.bare, "1: convs alone without their batchnorm/ReLU")
      ->capture_default_str();
}

}  // namespace
}  // namespace qtb::bench

int main(int argc, char** argv) {
  CLI::App app{"ResNet-50 at batch 1: the whole network against the sum of its convolutions",
               "qutibench_resnet50_split"};
  qtb::bench::Options options;
  std::string precisions = "FP32,INT8";
  qtb::bench::add_options(app, options, precisions);
  return qtb::bench::run_driver(app, argc, argv, [&] {
    options.precisions = qtb::parse_precision_list(precisions);
    for (const auto& precision : options.precisions) qtb::bench::split(options, precision);
  });
}
