#pragma once
// A fixed set of worker threads for the backends' own kernels: started once at compile time, so
// no thread is created inside a timed run. parallel_for splits [0, count) into one contiguous
// chunk per thread and returns when all are done; the calling thread takes the first chunk.
// Idle workers spin briefly (~tens of microseconds) before sleeping, so back-to-back small layers
// do not pay a wake-up each.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace qtb {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }
  // body(begin, end) on disjoint chunks covering [0, count); chunk boundaries are multiples of
  // `grain` (except the end).
  void parallel_for(std::int64_t count, std::int64_t grain,
                    const std::function<void(std::int64_t, std::int64_t)>& body);

 private:
  void work(int index);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(std::int64_t, std::int64_t)>* body_ = nullptr;
  std::vector<std::pair<std::int64_t, std::int64_t>> chunks_;
  std::atomic<std::uint64_t> generation_{0};  // bumped (under mutex_) for each parallel_for
  std::atomic<int> pending_{0};               // chunks still running in workers
  bool stopping_ = false;
};

}  // namespace qtb
