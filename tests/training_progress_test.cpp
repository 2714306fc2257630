// Training progress through measure's Progress: the epoch summary lines always, the live
// per-batch line (share of the epoch, loss) only when live, nothing without an output.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "optimize/training_progress.hpp"

namespace qtb {
namespace {

std::string read_all(std::FILE* file) {
  std::rewind(file);
  std::string text;
  for (int c = std::fgetc(file); c != EOF; c = std::fgetc(file)) text += static_cast<char>(c);
  return text;
}

EpochStats epoch_stats(int epoch) {
  EpochStats e;
  e.epoch = epoch;
  e.epochs = 2;
  e.loss = 0.5;
  e.train_accuracy = 0.75;
  e.seconds = 1.25;
  return e;
}

TEST(TrainingProgress, EpochLinesAreWrittenAlsoWhenTheLiveLineIsOff) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  TrainingProgress progress("mlp FP32", 2, {out, false});
  EXPECT_FALSE(progress.watched(TrainOptions{}).on_batch);  // no live line: no per-batch work
  const EpochObserver on_epoch = progress.on_epoch();
  on_epoch(epoch_stats(1));
  on_epoch(epoch_stats(2));
  const std::string text = read_all(out);
  std::fclose(out);
  // The first line ends with the ETA of the one epoch left, the last has none.
  EXPECT_EQ(text.rfind("mlp FP32: epoch 1/2  loss 0.5000  train top-1 75.00 %  1.2 s  ETA ", 0), 0u)
      << text;
  EXPECT_NE(text.find("s\nmlp FP32: epoch 2/2  loss 0.5000  train top-1 75.00 %  1.2 s\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find('\r'), std::string::npos) << "a log gets no terminal codes";
}

TEST(TrainingProgress, TheLiveLineShowsTheEpochTheShareDoneAndTheBatchLoss) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  TrainingProgress progress("cnv W2A2", 2, {out, true});
  const TrainOptions options = progress.watched(TrainOptions{});
  ASSERT_TRUE(options.on_batch);
  options.on_batch(0, 250, 1000, 0.125);
  progress.on_epoch()(epoch_stats(1));
  options.on_batch(1, 500, 1000, 0.0625);
  const std::string text = read_all(out);
  std::fclose(out);
  EXPECT_NE(text.find("[1/2] cnv W2A2  25%  loss 0.1250"), std::string::npos) << text;
  EXPECT_NE(text.find("\r\033[Kcnv W2A2: epoch 1/2  loss 0.5000"), std::string::npos) << text;
  EXPECT_NE(text.find("[2/2] cnv W2A2  50%  loss 0.0625  ETA "), std::string::npos) << text;
}

TEST(TrainingProgress, WithoutAnOutputNothingIsHooked) {
  TrainingProgress progress("mlp FP32", 2, {});
  EXPECT_FALSE(progress.watched(TrainOptions{}).on_batch);
  EXPECT_FALSE(progress.on_epoch());
}

}  // namespace
}  // namespace qtb
