#pragma once
// A batch of activations in NCHW order (one item of shape.elements() floats after another).
#include <cstdint>
#include <vector>

#include "graph/shape.hpp"

namespace qtb::train_detail {

struct Tensor {
  std::int64_t batch = 0;
  Shape shape;
  std::vector<float> values;  // the first size() values hold the batch; never shrinks

  // Never shrinks, so steady-state batches neither allocate nor zero-fill memory (buffers that
  // alternate between layers of different sizes would otherwise be refilled every batch).
  void resize(std::int64_t new_batch, const Shape& new_shape) {
    batch = new_batch;
    shape = new_shape;
    const auto needed = static_cast<std::size_t>(new_batch * new_shape.elements());
    if (values.size() < needed) values.resize(needed);
  }
  std::int64_t item_size() const { return shape.elements(); }
  std::int64_t size() const { return batch * shape.elements(); }
  float* data() { return values.data(); }
  const float* data() const { return values.data(); }
  float* item(std::int64_t i) { return values.data() + i * item_size(); }
  const float* item(std::int64_t i) const { return values.data() + i * item_size(); }
};

}  // namespace qtb::train_detail
