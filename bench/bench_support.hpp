#pragma once
// Shared pieces of the benchmarks: a case naming scheme "SHAPE | IMPLEMENTATION" that the ratio
// reporter understands, a GOP/s counter, and weight copies that defeat the last-level cache.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace qtb::bench {

// The implementation every ratio is taken against (the peer): oneDNN u8s8.
inline constexpr const char* kBaseline = "onednn_int8";

std::string case_name(const std::string& shape, const std::string& implementation);

// The dense shape, 2048 x 2048 (M output features x K inputs).
inline constexpr int kDenseRows = 2048;
inline constexpr int kDenseDepth = 2048;

// Sets the GOP/s counter from the ops one iteration performs (2 x MACs).
void set_gops(benchmark::State& state, double ops_per_iteration);

// Bytes of the last-level cache (sysfs), or 32 MiB when unknown.
std::size_t last_level_cache_bytes();
// How many copies of `bytes` of weights to cycle through so that each use comes from DRAM:
// enough to exceed 4x the last-level cache, at least 2.
std::size_t copies_for_dram(std::size_t bytes);

// Where the weights come from at batch 1: "warm" (one copy, cache-resident after the first
// iteration) or "dram" (cycling through copies_for_dram copies).
enum class WeightSource { Warm, Dram };
const char* to_string(WeightSource source);
// "dense 2048x2048 N=16  t=2 warm": the shape part of a dense case's name.
std::string dense_shape(std::int64_t batch, int threads, WeightSource source);

// Runs the ratio reporter over all registered benchmarks (flags as Google Benchmark's own).
int run_benchmarks(int argc, char** argv);

}  // namespace qtb::bench
