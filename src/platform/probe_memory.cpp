#include "platform/probe_memory.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "platform/probe_system.hpp"
#include "platform/probe_timing.hpp"

namespace qtb::probe_detail {
namespace {

constexpr std::size_t kHugePage = 2 * kMiB;  // transparent, where the kernel allows

// Huge-page-aligned buffers whose pages are first touched by the thread that later reads them.
struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

template <class T>
std::unique_ptr<T[], FreeDeleter> allocate_untouched(std::size_t count) {
  const std::size_t bytes = (count * sizeof(T) + kHugePage - 1) / kHugePage * kHugePage;
  void* p = std::aligned_alloc(kHugePage, bytes);
  if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  madvise(p, bytes, MADV_HUGEPAGE);  // fewer TLB misses while streaming; failure is harmless
#endif
  return std::unique_ptr<T[], FreeDeleter>(static_cast<T*>(p));
}

// Thread t's slice [begin, end) of `count` elements, in whole units of `granule` elements.
struct Slice {
  std::size_t begin;
  std::size_t end;
};

Slice slice_of(std::size_t count, std::size_t granule, int threads, int t) {
  const std::size_t units = count / granule;
  const auto n = static_cast<std::size_t>(threads);
  const auto i = static_cast<std::size_t>(t);
  const std::size_t begin = units * i / n * granule;
  const std::size_t end = t + 1 == threads ? count : units * (i + 1) / n * granule;
  return {begin, end};
}

// Slices in whole huge pages when each thread gets a few, so first touch places them well.
std::size_t slice_granule(std::size_t count, std::size_t element_bytes, int threads) {
  const std::size_t huge = kHugePage / element_bytes;
  return count / static_cast<std::size_t>(threads) >= 4 * huge ? huge : 4096 / element_bytes;
}

}  // namespace

std::size_t memory_test_bytes(int cpus, double memory_capacity) {
  std::size_t bytes = std::max<std::size_t>(256 * kMiB, 8 * last_level_cache_bytes(cpus));
  bytes = std::min<std::size_t>(bytes, 1024 * kMiB);
  if (memory_capacity > 0) {
    bytes = std::min(bytes, static_cast<std::size_t>(memory_capacity / 4));
  }
  return std::max<std::size_t>(bytes, 16 * kMiB);
}

double measure_read(int threads, double seconds, std::size_t bytes, const ReadMethod& method) {
  const std::size_t count = bytes / sizeof(std::uint64_t);
  const std::size_t granule = slice_granule(count, sizeof(std::uint64_t), threads);
  auto buffer = allocate_untouched<std::uint64_t>(count);
  std::uint64_t* data = buffer.get();
  const double pass_seconds = best_pass_seconds(
      threads, seconds,
      [&](int t) {
        const Slice s = slice_of(count, granule, threads, t);
        for (std::size_t i = s.begin; i < s.end; ++i) data[i] = i & 0xffff;
      },
      [&](int t) {
        const Slice s = slice_of(count, granule, threads, t);
        return static_cast<double>(method.kernel(data + s.begin, s.end - s.begin));
      });
  return static_cast<double>(count * sizeof(std::uint64_t)) / pass_seconds;
}

double measure_triad(int threads, double seconds, std::size_t bytes, const TriadMethod& method) {
  const std::size_t count = bytes / (3 * sizeof(double));
  const std::size_t granule = slice_granule(count, sizeof(double), threads);
  auto a_buffer = allocate_untouched<double>(count);
  auto b_buffer = allocate_untouched<double>(count);
  auto c_buffer = allocate_untouched<double>(count);
  double* a = a_buffer.get();
  double* b = b_buffer.get();
  double* c = c_buffer.get();
  const double pass_seconds = best_pass_seconds(
      threads, seconds,
      [&](int t) {
        const Slice s = slice_of(count, granule, threads, t);
        for (std::size_t i = s.begin; i < s.end; ++i) {
          a[i] = 0.0;
          b[i] = 1.0;
          c[i] = 2.0;
        }
      },
      [&](int t) {
        const Slice s = slice_of(count, granule, threads, t);
        method.kernel(a + s.begin, b + s.begin, c + s.begin, 3.0, s.end - s.begin);
        return s.end > s.begin ? a[s.begin] + a[s.end - 1] : 0.0;
      });
  return static_cast<double>(count * 3 * sizeof(double)) / pass_seconds;
}

}  // namespace qtb::probe_detail
