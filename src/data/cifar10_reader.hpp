#pragma once
// Reader for the CIFAR-10 binary format (https://www.cs.toronto.edu/~kriz/cifar.html): each
// record is 1 label byte followed by 3072 pixel bytes, 1024 per channel (R, G, B) in row-major
// 32x32 order -- already CHW. Training data is data_batch_1.bin .. data_batch_5.bin, the test
// set test_batch.bin.
#include <filesystem>
#include <vector>

#include "data/dataset.hpp"

namespace qtb {

inline constexpr std::int64_t kCifar10RecordBytes = 1 + 3 * 32 * 32;

// The batch files of a split inside a CIFAR-10 directory (cifar-10-batches-bin).
std::vector<std::filesystem::path> cifar10_files(const std::filesystem::path& dir, Split split);

// Number of records in one batch file, from its size; throws InputError like read_cifar10.
std::int64_t cifar10_record_count(const std::filesystem::path& file);

// Reads the given batch files, in order, into one DataSet named "cifar10". Throws InputError
// naming the file when it is missing, empty, not a whole number of records (truncated) or holds a
// label > 9.
DataSet read_cifar10(const std::vector<std::filesystem::path>& files, Split split);

}  // namespace qtb
