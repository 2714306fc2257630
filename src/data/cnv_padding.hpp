#pragma once
// Pre-processing that lets the CIFAR-10 topology `cnv` (3x32x32 input) run on Fashion-MNIST, since
// CIFAR-10 is not available here: each 28x28 grey image is zero-padded by 2 pixels on every side
// and copied into three channels. The result is named "<name>-32x32x3" so that no accuracy
// measured on it is mistaken for a CIFAR-10 figure.
#include "data/dataset.hpp"

namespace qtb {

// Throws InputError unless `data` is one-channel and at most 32x32.
DataSet pad_to_32x32x3(const DataSet& data);

}  // namespace qtb
