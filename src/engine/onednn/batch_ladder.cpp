#include "engine/onednn/batch_ladder.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace qtb::onednn {

std::vector<std::int64_t> batch_ladder(std::int64_t max_batch) {
  std::vector<std::int64_t> sizes;
  for (std::int64_t b = 1; b < max_batch; b *= 2) sizes.push_back(b);
  sizes.push_back(max_batch);
  return sizes;
}

std::vector<BatchChunk> split_batch(std::int64_t batch, std::int64_t max_batch) {
  if (batch < 1 || batch > max_batch) {
    throw std::invalid_argument(
        fmt::format("onednn: batch {} outside 1..{} (the compiled max_batch)", batch, max_batch));
  }
  const std::vector<std::int64_t> sizes = batch_ladder(max_batch);
  std::vector<BatchChunk> chunks;
  if (batch == max_batch) {
    chunks.push_back({sizes.size() - 1, 0, batch});
    return chunks;
  }
  std::int64_t offset = 0;
  for (std::size_t i = sizes.size() - 1; i-- > 0;) {  // powers of two below max_batch, descending
    if ((batch & sizes[i]) != 0) {
      chunks.push_back({i, offset, sizes[i]});
      offset += sizes[i];
    }
  }
  return chunks;
}

}  // namespace qtb::onednn
