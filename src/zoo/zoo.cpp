#include "zoo/zoo.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/text.hpp"

namespace qtb {
namespace {

void check_prune(double prune) {
  if (!(prune > 0.0 && prune <= 1.0)) {
    throw InputError(fmt::format("pruning scale {} is outside (0, 1]", prune));
  }
}

double parse_prune(const std::string& item) {
  std::string text = item;
  double divisor = 1.0;
  if (!text.empty() && text.back() == '%') {
    text.pop_back();
    divisor = 100.0;
  }
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) {
    throw InputError("pruning scale '" + item + "' is not a number (e.g. 0.5 or 50%)");
  }
  value /= divisor;
  check_prune(value);
  return value;
}

}  // namespace

const std::vector<TopologyInfo>& topologies() {
  static const std::vector<TopologyInfo> kTopologies = {
      {"mlp",
       "multilayer perceptron 784-2048-2048-2048-10 (the paper's MLP: BNN-PYNQ LFC at 2x width)",
       "mnist", "all three hidden layers"},
      {"cnv",
       "VGG-like CNN, convs 128-128-256-256-512-512, dense 1024-1024-10 (the paper's CNV: "
       "BNN-PYNQ CNV at 2x width)",
       "cifar10", "every conv and hidden dense layer"},
      {"resnet50", "ResNet-50 v1 (Caffe release: stride 2 in the first 1x1 conv of a block)",
       "imagenet", "the two inner convs of each bottleneck block"},
      {"googlenet", "GoogLeNet / Inception v1, no auxiliary classifiers", "imagenet",
       "the 3x3 and 5x5 reduce convs inside each inception block"},
      {"mobilenet_v1", "MobileNet v1, width 1.0, 224x224 input", "imagenet",
       "every hidden layer (acts as the width multiplier)"},
  };
  return kTopologies;
}

Graph build_topology(std::string_view name, double prune) {
  check_prune(prune);
  const std::string lower = to_lower(name);
  if (lower == "mlp") return build_mlp(prune);
  if (lower == "cnv") return build_cnv(prune);
  if (lower == "resnet50") return build_resnet50(prune);
  if (lower == "googlenet") return build_googlenet(prune);
  if (lower == "mobilenet_v1") return build_mobilenet_v1(prune);
  throw InputError(
      fmt::format("unknown model '{}' (expected mlp, cnv, resnet50, googlenet, "
                  "mobilenet_v1 or all)",
                  name));
}

std::int64_t scaled_channels(std::int64_t channels, double prune) {
  return std::max<std::int64_t>(1, std::llround(static_cast<double>(channels) * prune));
}

std::vector<double> paper_prune_scales() {
  return {1.0, 0.5, 0.25, 0.125};
}

std::vector<double> parse_prune_list(std::string_view list) {
  std::vector<double> out;
  const auto add = [&out](double value) {
    if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(value);
  };
  for (const auto& item : split_list(list)) {
    if (to_lower(item) == "all") {
      for (double s : paper_prune_scales()) add(s);
    } else {
      add(parse_prune(item));
    }
  }
  if (out.empty()) throw InputError("empty pruning scale list");
  return out;
}

std::vector<std::string> parse_model_list(std::string_view list) {
  std::vector<std::string> out;
  const auto add = [&out](const std::string& name) {
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  };
  for (const auto& item : split_list(list)) {
    const std::string lower = to_lower(item);
    if (lower == "all") {
      for (const auto& t : topologies()) add(t.name);
      continue;
    }
    const auto& all = topologies();
    if (std::none_of(all.begin(), all.end(), [&](const auto& t) { return t.name == lower; })) {
      build_topology(lower, 1.0);  // throws the standard unknown-model message
    }
    add(lower);
  }
  if (out.empty()) throw InputError("empty model list");
  return out;
}

}  // namespace qtb
