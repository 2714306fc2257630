#pragma once
// Internal to the host probe: memory bandwidth on all threads, each thread streaming its own slice
// of buffers much larger than the last-level cache.
#include <cstddef>

#include "platform/probe_kernels.hpp"

namespace qtb::probe_detail {

inline constexpr std::size_t kMiB = std::size_t{1} << 20;

// At least 256 MiB and 8x the last-level cache, at most 1 GiB and a quarter of the memory.
std::size_t memory_test_bytes(int cpus, double memory_capacity);

// Bytes/s reading a buffer of `bytes`, and of the triad over three arrays of `bytes` in all
// (STREAM convention: every array counted once). Best pass within `seconds`.
double measure_read(int threads, double seconds, std::size_t bytes, const ReadMethod& method);
double measure_triad(int threads, double seconds, std::size_t bytes, const TriadMethod& method);

}  // namespace qtb::probe_detail
