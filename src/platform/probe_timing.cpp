#include "platform/probe_timing.hpp"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <thread>
#include <vector>

namespace qtb::probe_detail {
namespace {

using Clock = std::chrono::steady_clock;

// Observed results of the kernels, so the compiler cannot remove them.
volatile double g_sink = 0;

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// Starts one std::thread per index and, once all exist, lets them run body(t) together. If a
// thread cannot be created none runs body and the error propagates.
template <class Body>
void run_on_threads(int threads, Body&& body) {
  std::atomic<int> state{0};  // 0 wait, 1 go, 2 abandon
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(threads));
  auto worker = [&](int t) {
    int s = 0;
    while ((s = state.load(std::memory_order_acquire)) == 0) std::this_thread::yield();
    if (s == 1) body(t);
  };
  try {
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
  } catch (...) {
    state.store(2, std::memory_order_release);
    for (auto& thread : pool) thread.join();
    throw;
  }
  state.store(1, std::memory_order_release);
  for (auto& thread : pool) thread.join();
}

}  // namespace

double iterations_per_second(int threads, double seconds,
                             const std::function<double(std::uint64_t)>& kernel) {
  // Chunks of about 1 ms between clock reads, calibrated on this thread.
  std::uint64_t chunk = 64;
  double checksum = 0;
  for (;;) {
    const auto t0 = Clock::now();
    checksum += kernel(chunk);
    const double dt = seconds_between(t0, Clock::now());
    if (dt >= 5e-4 || chunk >= (std::uint64_t{1} << 40)) {
      if (dt > 0) {
        chunk = std::max<std::uint64_t>(
            1, static_cast<std::uint64_t>(static_cast<double>(chunk) * 1e-3 / dt));
      }
      break;
    }
    chunk *= 2;
  }

  // Windows started together on all threads (barrier); the best counts.
  constexpr int kWindows = 5;
  struct Windows {
    Clock::duration length;
    Clock::time_point start;
    Clock::time_point deadline;
    std::vector<std::uint64_t> chunks;  // per thread, in the window just ended
    double best = 0;                    // chunks per second
    int ended = -1;                     // the first phase only starts the first window
    bool stop = false;
  } windows;
  windows.length = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(seconds / kWindows));
  windows.chunks.assign(static_cast<std::size_t>(threads), 0);
  auto on_phase = [&windows]() noexcept {
    const auto now = Clock::now();
    if (windows.ended >= 0) {
      std::uint64_t total = 0;
      for (std::uint64_t count : windows.chunks) total += count;
      windows.best =
          std::max(windows.best, static_cast<double>(total) / seconds_between(windows.start, now));
    }
    ++windows.ended;
    windows.stop = windows.ended >= kWindows;
    windows.start = Clock::now();
    windows.deadline = windows.start + windows.length;
  };
  std::barrier sync(threads, on_phase);
  std::vector<double> sums(static_cast<std::size_t>(threads), 0);
  run_on_threads(threads, [&](int t) {
    const auto index = static_cast<std::size_t>(t);
    double sum = 0;
    sync.arrive_and_wait();
    do {
      std::uint64_t done = 0;
      do {
        sum += kernel(chunk);
        ++done;
      } while (Clock::now() < windows.deadline);
      windows.chunks[index] = done;
      sync.arrive_and_wait();
    } while (!windows.stop);
    sums[index] = sum;
  });
  for (double sum : sums) checksum += sum;
  g_sink = checksum;
  return windows.best * static_cast<double>(chunk);
}

double best_pass_seconds(int threads, double seconds, const std::function<void(int)>& setup,
                         const std::function<double(int)>& pass) {
  struct Clocking {
    Clock::time_point last;
    Clock::time_point deadline;
    Clock::duration budget;
    Clock::duration best = Clock::duration::max();
    int passes = -1;  // the first phase is the setup
    bool stop = false;
  } clocking;
  clocking.budget =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  auto on_phase = [&clocking]() noexcept {
    const auto now = Clock::now();
    if (clocking.passes < 0) {
      clocking.deadline = now + clocking.budget;
    } else {
      clocking.best = std::min(clocking.best, now - clocking.last);
    }
    ++clocking.passes;
    clocking.stop = clocking.passes >= 2 && now >= clocking.deadline;
    clocking.last = Clock::now();
  };
  std::barrier sync(threads, on_phase);
  std::vector<double> sums(static_cast<std::size_t>(threads), 0);
  run_on_threads(threads, [&](int t) {
    setup(t);
    sync.arrive_and_wait();
    double sum = 0;
    do {
      sum += pass(t);
      sync.arrive_and_wait();
    } while (!clocking.stop);
    sums[static_cast<std::size_t>(t)] = sum;
  });
  double checksum = 0;
  for (double sum : sums) checksum += sum;
  g_sink = checksum;
  return std::chrono::duration<double>(clocking.best).count();
}

}  // namespace qtb::probe_detail
