#include "optimize/training_progress.hpp"

#include <fmt/format.h>

#include <utility>

namespace qtb {

TrainingProgress::TrainingProgress(std::string variant, int epochs, const TrainingDisplay& display)
    : variant_(std::move(variant)),
      shown_(display.out != nullptr),
      live_(shown_ && display.live),
      progress_(epochs, live_, shown_ ? display.out : stderr) {}

TrainOptions TrainingProgress::watched(TrainOptions options) {
  if (!live_) return options;
  options.on_batch = [this](int epoch, std::int64_t done, std::int64_t total, double loss) {
    if (epoch != drawn_epoch_) {
      progress_.begin_point(variant_);
      drawn_epoch_ = epoch;
    }
    progress_.update(static_cast<double>(done) / static_cast<double>(total),
                     fmt::format("loss {:.4f}", loss));
  };
  return options;
}

EpochObserver TrainingProgress::on_epoch() {
  if (!shown_) return {};
  return [this](const EpochStats& e) {
    progress_.end_point_with_line(
        fmt::format("{}: epoch {}/{}  loss {:.4f}  train top-1 {:.2f} %  {:.1f} s", variant_,
                    e.epoch, e.epochs, e.loss, 100.0 * e.train_accuracy, e.seconds));
  };
}

}  // namespace qtb
