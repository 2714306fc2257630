#pragma once
// Ranges of the counts in a training or quantization recipe, shared by the variant matrix config
// and the `optimize` options: far beyond any real recipe, and refused beyond that (naming the
// field, the value and the range) before any data is loaded or anything is trained.
#include <cstdint>
#include <limits>

namespace qtb {

// BNN-PYNQ trains its MLP for 1000 epochs; ten times that is a typo, not a recipe.
inline constexpr std::int64_t kMaxEpochs = 10'000;
// Images per mini-batch: the trainer keeps every layer's activations of a whole batch, so memory
// grows with it (cnv: about 1 MB per image).
inline constexpr std::int64_t kMaxTrainBatch = 1024;
// Training images run through the float model to calibrate activation ranges.
inline constexpr std::int64_t kMaxCalibrationImages = 1'000'000;
// Seeds are stored as unsigned 64-bit numbers; the options and configs read signed ones, so a
// negative seed is refused instead of wrapping around to a huge one.
inline constexpr std::int64_t kMaxSeed = std::numeric_limits<std::int64_t>::max();

}  // namespace qtb
