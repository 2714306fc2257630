#include "conv_shapes.hpp"

#include <fmt/format.h>

#include <set>

#include "zoo/zoo.hpp"

namespace qtb::bench {

std::int64_t ConvLayer::macs() const {
  return output.elements() * (input.channels / attrs.groups) * attrs.kernel_h * attrs.kernel_w;
}

std::vector<ConvLayer> conv_layers(const Graph& graph) {
  std::vector<ConvLayer> layers;
  for (const Node& node : graph.nodes()) {
    if (node.kind != OpKind::Conv2d) continue;
    layers.push_back({graph.name() + "/" + node.name, graph.shape(node.inputs.front()),
                      std::get<Conv2dAttrs>(node.attrs), node.output});
  }
  return layers;
}

std::vector<ConvLayer> cnv_conv_layers() {
  return conv_layers(build_cnv(1.0));
}

std::vector<ConvLayer> resnet50_3x3_conv_layers() {
  std::vector<ConvLayer> layers;
  std::set<std::int64_t> widths;
  for (ConvLayer& layer : conv_layers(build_resnet50(1.0))) {
    if (layer.attrs.kernel_h == 3 && widths.insert(layer.input.channels).second) {
      layers.push_back(std::move(layer));
    }
  }
  return layers;
}

std::string conv_shape(const ConvLayer& layer, std::int64_t batch, int threads) {
  return fmt::format("{} {}x{}x{}>{} k{} N={:<3} t={}", layer.name, layer.input.channels,
                     layer.input.height, layer.input.width, layer.attrs.out_channels,
                     layer.attrs.kernel_h, batch, threads);
}

}  // namespace qtb::bench
