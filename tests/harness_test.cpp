#include "measure/harness.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <vector>

#include "core/error.hpp"
#include "cost/cost.hpp"
#include "measure/deployment.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

using Clock = std::chrono::steady_clock;

// A model whose run() busy-waits a set time (alternating with a second time, to make noise),
// and whose output's largest logit is at a class derived from the input it was given, so the
// harness's decoding can be checked.
class SpinModel final : public CompiledModel {
 public:
  SpinModel(double run_ms, double alternate_ms = -1)
      : run_ms_(run_ms), alternate_ms_(alternate_ms) {
    info_.backend = "spin";
    info_.input = Shape{4, 1, 1};
    info_.output = Shape{10, 1, 1};
    info_.max_batch = 8;
  }
  std::vector<int> classes_;
  std::atomic<std::int64_t> runs{0};

 private:
  void do_set_input(std::span<const float> input, std::int64_t batch) override {
    classes_.assign(static_cast<std::size_t>(batch), 0);
    for (std::int64_t i = 0; i < batch; ++i)
      classes_[static_cast<std::size_t>(i)] =
          static_cast<int>(input[static_cast<std::size_t>(i * 4)] * 255.0f + 0.5f) % 10;
  }
  void do_run(std::int64_t) override {
    ++runs;
    const double ms = (alternate_ms_ >= 0 && runs % 2) ? alternate_ms_ : run_ms_;
    const auto until = Clock::now() + std::chrono::duration<double, std::milli>(ms);
    while (Clock::now() < until) {
    }
  }
  void do_get_output(std::span<float> output, std::int64_t batch) const override {
    std::fill(output.begin(), output.end(), 0.0f);
    for (std::int64_t i = 0; i < batch; ++i)
      output[static_cast<std::size_t>(i * 10 + classes_[static_cast<std::size_t>(i)])] = 1.0f;
  }

  double run_ms_;
  double alternate_ms_;
};

class FixedEnergyMeter final : public PowerMeter {
 public:
  std::string source() const override { return "fake"; }
  std::string description() const override { return "fake meter"; }
  void begin() override { began = true; }
  std::optional<PowerReading> end(std::string&) override { return PowerReading{2.0, 10.0}; }
  bool began = false;
};

HarnessOptions quick(std::int64_t batch = 1) {
  HarnessOptions o;
  o.batch = batch;
  o.scenario = batch == 1 ? Scenario::SingleStream : Scenario::Offline;
  o.warmup_seconds = 0;
  o.warmup_queries = 2;
  o.min_seconds = 0.05;
  o.min_queries = 20;
  return o;
}

TEST(Harness, MeetsBothMinimumsAndTimesComputeInsideSystem) {
  SpinModel model(0.2);
  CompiledModel* instances[] = {&model};
  NoPowerMeter meter;
  const Measurement m = run_harness(instances, quick(4), meter);
  EXPECT_GE(m.queries, 20);
  EXPECT_GE(m.seconds, 0.05);
  EXPECT_EQ(m.inputs, m.queries * 4);
  EXPECT_EQ(model.runs, m.queries + 2);  // plus the warm-up
  ASSERT_EQ(m.compute_ms.size(), static_cast<std::size_t>(m.queries));
  for (std::size_t i = 0; i < m.compute_ms.size(); ++i) {
    EXPECT_GE(m.compute_ms[i], 0.2);  // the model spins at least this long
    EXPECT_GE(m.system_ms[i], m.compute_ms[i]);
  }
  EXPECT_NEAR(m.fps_compute, 4 / (*m.compute.mean * 1e-3), 1e-6);
  EXPECT_NEAR(m.fps_system, static_cast<double>(m.inputs) / m.seconds, 1e-6);
  EXPECT_LE(m.fps_system, m.fps_compute);
  EXPECT_TRUE(m.valid) << m.invalid_reason;
  EXPECT_FALSE(m.power);
  EXPECT_EQ(m.last_predictions, model.classes_);  // argmax decoded each input's class
}

TEST(Harness, MultiStreamRunsEveryInstance) {
  SpinModel a(0.1), b(0.1), c(0.1);
  CompiledModel* instances[] = {&a, &b, &c};
  HarnessOptions o = quick(2);
  o.scenario = Scenario::MultiStream;
  FixedEnergyMeter meter;
  const Measurement m = run_harness(instances, o, meter);
  EXPECT_GT(a.runs, 2);
  EXPECT_GT(b.runs, 2);
  EXPECT_GT(c.runs, 2);
  EXPECT_EQ(m.queries, a.runs + b.runs + c.runs - 6);
  EXPECT_NEAR(m.fps_compute, 3 * 2 / (*m.compute.mean * 1e-3), 1e-6);
  ASSERT_TRUE(m.power);
  EXPECT_TRUE(meter.began);
  EXPECT_DOUBLE_EQ(m.power->watts(), 5.0);
}

TEST(Harness, CapBeforeTheMinimumsIsInvalidWithTheReason) {
  SpinModel model(1.0);
  CompiledModel* instances[] = {&model};
  HarnessOptions o = quick();
  o.min_queries = 1000;
  o.max_seconds = 0.03;
  NoPowerMeter meter;
  const Measurement m = run_harness(instances, o, meter);
  EXPECT_FALSE(m.valid);
  EXPECT_NE(m.invalid_reason.find("of the minimum 1000 queries"), std::string::npos)
      << m.invalid_reason;
}

TEST(Harness, BimodalLatencyIsTooNoisy) {
  SpinModel model(0.05, 0.5);  // every other query ten times slower
  CompiledModel* instances[] = {&model};
  NoPowerMeter meter;
  const Measurement m = run_harness(instances, quick(), meter);
  EXPECT_FALSE(m.valid);
  EXPECT_NE(m.invalid_reason.find("too noisy"), std::string::npos) << m.invalid_reason;
}

TEST(Harness, RefusesScenarioContradictions) {
  SpinModel model(0.01);
  CompiledModel* instances[] = {&model};
  NoPowerMeter meter;
  HarnessOptions o = quick(4);
  o.scenario = Scenario::SingleStream;
  EXPECT_THROW(run_harness(instances, o, meter), InputError);
  o = quick(16);  // above the model's max_batch
  EXPECT_THROW(run_harness(instances, o, meter), InputError);
}

TEST(Harness, OverheadPerQueryIsMeasured) {
  // Only that it is measured and finite; its size is reported by `qutibench run`, not asserted.
  const double ns = harness_overhead_ns_per_query(10'000);
  EXPECT_GT(ns, 0.0);
}

TEST(MeasurePoint, FillsTheRowFromARealBackend) {
  DeploymentRequest p;
  p.topology = "mlp";
  p.prune = 0.125;
  p.precision = parse_precision("INT8");
  p.backend = "onednn";
  p.batch = 3;
  MeasureContext context;
  context.harness = quick();
  FixedEnergyMeter meter;
  context.meter = &meter;
  context.idle_power = PowerReading{1.0, 2.5};
  context.provenance.host = "testhost";
  const ResultRow row = measure_point(p, context);
  EXPECT_EQ(row.scenario, "offline");
  EXPECT_EQ(row.level, "L3");
  EXPECT_EQ(row.dataset, "mnist");
  EXPECT_EQ(row.batch, 3);
  EXPECT_GT(*row.fps_compute, 0.0);
  EXPECT_GT(row.samples, 0);
  EXPECT_DOUBLE_EQ(
      *row.gops_per_input,
      static_cast<double>(compute_cost(build_topology("mlp", 0.125), p.precision).ops) * 1e-9);
  EXPECT_FALSE(row.predicted_fps);  // no platform given
  EXPECT_EQ(row.power_source, "fake");
  EXPECT_DOUBLE_EQ(*row.power_full_w, 5.0);
  EXPECT_DOUBLE_EQ(*row.power_idle_w, 2.5);
  EXPECT_DOUBLE_EQ(*row.energy_per_input_j, 10.0 / static_cast<double>(row.samples * 3));
  EXPECT_FALSE(row.top1);
  EXPECT_TRUE(row.accuracy_source.empty());
  EXPECT_EQ(row.source, "ours");
  EXPECT_EQ(row.host, "testhost");
  EXPECT_GT(*row.weight_bytes, 0);
  EXPECT_NE(row.notes.find("seeded random weights"), std::string::npos);
}

TEST(MeasurePoint, UnsupportedOpModeAndPrecisionAreRefusedBeforeTiming) {
  DeploymentRequest p;
  p.topology = "mlp";
  p.prune = 0.125;
  p.precision = parse_precision("W2A2");
  p.backend = "onednn";
  MeasureContext context;
  context.harness = quick();
  NoPowerMeter meter;
  context.meter = &meter;
  EXPECT_THROW(measure_point(p, context), UnsupportedError);
  p.precision = parse_precision("FP32");
  p.op_mode = "maxn";
  EXPECT_THROW(measure_point(p, context), UnsupportedError);
}

}  // namespace
}  // namespace qtb
