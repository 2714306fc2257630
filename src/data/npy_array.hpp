#pragma once
// NumPy .npy files of float32 values (little-endian, C order), as `qutibench infer` reads its
// input batch and writes its outputs: N x C x H x W or N x features. Other dtypes, Fortran order
// and other ranks are refused with one line.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace qtb {

struct NpyArray {
  std::vector<std::int64_t> shape;  // rank 2 or 4
  std::vector<float> values;        // product(shape) values, C order
};

// Throws InputError "<path>: <reason>" for a missing, malformed or unsupported file.
NpyArray read_npy(const std::filesystem::path& path);
// Format version 1.0; written to a temporary file and renamed into place.
void write_npy(const std::filesystem::path& path, const NpyArray& array);

}  // namespace qtb
