#pragma once
// A training's progress through measure's Progress, as a run's or a sweep's: a point per epoch,
// updated after every mini-batch (share of the epoch, the batch's loss, ETA) on a terminal, and
// each epoch's summary line always: "VARIANT: epoch 3/10  loss 0.2101  train top-1 93.10 %  4.2 s
// ETA 29s" (no ETA after the last).
#include <cstdio>
#include <string>

#include "measure/progress.hpp"
#include "optimize/variant_steps.hpp"
#include "train/train.hpp"

namespace qtb {

// Where training progress goes; `out` null: nowhere.
struct TrainingDisplay {
  std::FILE* out = nullptr;
  bool live = false;  // the per-batch line, usually stderr_is_terminal()
};

class TrainingProgress {
 public:
  TrainingProgress(std::string variant, int epochs, const TrainingDisplay& display);
  // The callbacks point to this object, so it stays where it was made.
  TrainingProgress(const TrainingProgress&) = delete;
  TrainingProgress& operator=(const TrainingProgress&) = delete;

  // `options` with on_batch feeding the live line (unchanged when it is off).
  TrainOptions watched(TrainOptions options);
  EpochObserver on_epoch();

 private:
  std::string variant_;
  bool shown_;
  bool live_;
  Progress progress_;
  int drawn_epoch_ = -1;  // the epoch the live line was begun for
};

}  // namespace qtb
