#pragma once
// Backend "sparse": the dense layers of a synaptically pruned network stored as CSR (FP32, INT8),
// to compare irregular sparsity with channel pruning at equal sparsity. Runs networks made of
// dense layers (input, flatten, dense, batchnorm, activation, softmax), i.e. the MLP.
#include <memory>

#include "engine/backend.hpp"

namespace qtb {

std::unique_ptr<Backend> make_sparse_backend();

}  // namespace qtb
