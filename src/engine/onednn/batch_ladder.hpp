#pragma once
// Batch sizes of the onednn backend. oneDNN convolutions have fixed shapes, so a model holds one
// plan (primitives + buffers) per size of a ladder built at compile time: the powers of two below
// max_batch, and max_batch itself. run(b) executes b as a sum of distinct ladder sizes (max_batch
// itself, or b's binary digits), largest first: at most log2(max_batch) + 1 plans exist, no
// primitive is created inside run(), and no image is computed that was not asked for.
#include <cstdint>
#include <vector>

namespace qtb::onednn {

// Ascending: 1, 2, 4, ... < max_batch, max_batch.
std::vector<std::int64_t> batch_ladder(std::int64_t max_batch);

struct BatchChunk {
  std::size_t plan = 0;     // index into batch_ladder(max_batch)
  std::int64_t offset = 0;  // first image of the chunk
  std::int64_t size = 0;    // images in it
};

// Chunks of `batch` (1..max_batch), largest first. Throws std::invalid_argument outside that range.
std::vector<BatchChunk> split_batch(std::int64_t batch, std::int64_t max_batch);

}  // namespace qtb::onednn
