#pragma once
// Reader for the IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/):
// a big-endian header (magic 0x00000803 for images = unsigned bytes in 3 dimensions, 0x00000801
// for labels) followed by the raw bytes. Files may be plain or gzip-compressed.
#include <cstdint>
#include <filesystem>
#include <string>

#include "data/dataset.hpp"

namespace qtb {

// What an IDX header says, without reading the payload (for listings of what is installed).
struct IdxHeader {
  std::int64_t count = 0;   // images or labels
  std::int64_t height = 0;  // 0 for a label file
  std::int64_t width = 0;
};

// Header of an image file (labels == false) or a label file (labels == true). Throws InputError
// naming the file when it is missing, too short for a header or has the wrong magic.
IdxHeader read_idx_header(const std::filesystem::path& path, bool labels);

// The header and the size the payload must have, for listings: a plain file's size is compared
// with what the header announces (no read); a gzip file's recorded size likewise, inflating it
// only when that disagrees. Throws the InputError read_idx would for a missing, truncated or
// too long file, or a wrong magic.
IdxHeader check_idx_file(const std::filesystem::path& path, bool labels);

struct IdxFiles {
  std::filesystem::path images;
  std::filesystem::path labels;
};

// Reads a pair of IDX files into a one-channel DataSet. Throws InputError naming the file for a
// missing or truncated file, a wrong magic, trailing bytes, image and label counts that differ,
// or a label >= classes.
DataSet read_idx(const IdxFiles& files, const std::string& name, Split split, int classes);

}  // namespace qtb
