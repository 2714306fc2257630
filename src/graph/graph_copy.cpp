#include "graph/graph_copy.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace qtb {

int append_like(Graph& into, const Node& like, const std::vector<int>& inputs) {
  const auto single = [&] {
    if (inputs.size() != 1) {
      throw InputError(fmt::format("node '{}' ({}) takes exactly one input, got {}", like.name,
                                   to_string(like.kind), inputs.size()));
    }
    return inputs.front();
  };
  switch (like.kind) {
    case OpKind::Input:
      return into.input(std::get<InputAttrs>(like.attrs).shape, like.name);
    case OpKind::Conv2d:
      return into.conv2d(single(), std::get<Conv2dAttrs>(like.attrs), like.name);
    case OpKind::Dense:
      return into.dense(single(), std::get<DenseAttrs>(like.attrs), like.name);
    case OpKind::MaxPool:
      return into.max_pool(single(), std::get<PoolAttrs>(like.attrs), like.name);
    case OpKind::AvgPool:
      return into.avg_pool(single(), std::get<PoolAttrs>(like.attrs), like.name);
    case OpKind::GlobalAvgPool:
      return into.global_avg_pool(single(), like.name);
    case OpKind::BatchNorm:
      return into.batch_norm(single(), like.name);
    case OpKind::Activation:
      return into.activation(single(), std::get<ActivationAttrs>(like.attrs).kind, like.name);
    case OpKind::Quantizer:
      return into.quantizer(single(), std::get<QuantizerAttrs>(like.attrs), like.name);
    case OpKind::Add:
      return into.add(inputs, like.name);
    case OpKind::Concat:
      return into.concat(inputs, like.name);
    case OpKind::Flatten:
      return into.flatten(single(), like.name);
    case OpKind::Softmax:
      return into.softmax(single(), like.name);
  }
  throw InputError("node '" + like.name + "' has an unknown kind");
}

}  // namespace qtb
