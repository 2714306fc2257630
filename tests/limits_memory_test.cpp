// Bad input, memory: what a deployment point needs, counted from the graph's tensor sizes against
// a hand count, and a point that cannot fit refused before anything is allocated.
#include <gtest/gtest.h>

#include <limits>

#include "core/error.hpp"
#include "measure/deployment.hpp"
#include "measure/harness.hpp"

namespace qtb {
namespace {

// input 1x2x2 -> flatten -> dense 3 (with bias) -> softmax
Graph tiny_graph() {
  Graph g("tiny");
  const int x = g.flatten(g.input(Shape{1, 2, 2}));
  g.softmax(g.dense(x, DenseAttrs{3, true}));
  return g;
}

TEST(LimitsMemory, HarnessBuffersOfOneStreamByHand) {
  // 4 inputs of 4 pixels in the pool (at least 16 inputs: 16 x 4 x 1 byte = 64), a float batch
  // in (2 x 4 x 4 = 32) and out (2 x 3 x 4 = 24), and 2 decoded classes (2 x 4 = 8).
  EXPECT_EQ(harness_stream_bytes(4, 3, 2), 64u + 32 + 24 + 8);
  // A batch above the pool's 16 inputs: the pool holds the batch (20 x 4 = 80).
  EXPECT_EQ(harness_stream_bytes(4, 3, 20), 80u + 20 * 16 + 20 * 12 + 20 * 4);
}

TEST(LimitsMemory, DeploymentNeedsWeightsAndActivationsPerInstanceByHand) {
  const Graph g = tiny_graph();
  // Per instance: weights 3 x 4 + bias 3 = 15 floats = 60 bytes; every node's output per input
  // (input 4, flatten 4, dense 3, softmax 3) = 14 floats = 56 bytes, x batch 2 = 112 bytes.
  // Per stream also the harness's 128 bytes (above): 60 + 112 + 128 = 300 bytes, x 3 streams.
  EXPECT_EQ(deployment_memory_bytes(g, 2, 3), 900u);
  EXPECT_EQ(deployment_memory_bytes(g, 1, 1), 60u + 56 + (64 + 16 + 12 + 4));
  // Absurd sizes saturate instead of wrapping around to something small.
  EXPECT_EQ(deployment_memory_bytes(g, std::numeric_limits<std::int64_t>::max(),
                                    std::numeric_limits<std::int64_t>::max()),
            std::numeric_limits<std::uint64_t>::max());
}

DeploymentRequest point(std::int64_t batch, int streams) {
  DeploymentRequest p;
  p.topology = "resnet50";
  p.precision = parse_precision("FP32");
  p.backend = "reference";
  p.batch = batch;
  p.streams = streams;
  return p;
}

TEST(LimitsMemory, APointTooBigForThisMachineIsRefusedWithTheFigure) {
  try {
    check_point_memory(point(kMaxBatch, static_cast<int>(kMaxStreams)));
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind("batch 1048576 x 1024 streams of resnet50 s=1 FP32 needs ", 0), 0u)
        << message;
    EXPECT_NE(message.find(" of memory, more than the "), std::string::npos) << message;
  }
  // The limits come first: they keep the arithmetic far from overflow.
  EXPECT_THROW(check_point_memory(point(kMaxBatch + 1, 1)), InputError);
  EXPECT_NO_THROW(check_point_memory(point(1, 1)));
}

}  // namespace
}  // namespace qtb
