#include "core/thread_pool.hpp"

#include <algorithm>

namespace qtb {
namespace {

// Layers of a small network take tens of microseconds, less than a condition-variable wake-up on
// a busy machine, so both sides spin briefly before they sleep.
constexpr int kSpinIterations = 20000;

inline void relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

}  // namespace

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < std::max(threads, 1); ++i) workers_.emplace_back([this, i] { work(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void ThreadPool::parallel_for(std::int64_t count, std::int64_t grain,
                              const std::function<void(std::int64_t, std::int64_t)>& body) {
  if (count <= 0) return;
  grain = std::max<std::int64_t>(grain, 1);
  const std::int64_t units = (count + grain - 1) / grain;
  const auto parts = static_cast<int>(std::min<std::int64_t>(threads(), units));
  if (parts == 1) {
    body(0, count);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    body_ = &body;
    chunks_.resize(static_cast<std::size_t>(parts));
    for (int p = 0; p < parts; ++p) {
      const std::int64_t begin = units * p / parts * grain;
      const std::int64_t end = std::min(count, units * (p + 1) / parts * grain);
      chunks_[static_cast<std::size_t>(p)] = {begin, end};
    }
    pending_.store(parts - 1, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  body(chunks_[0].first, chunks_[0].second);
  for (int spin = 0; spin < kSpinIterations && pending_.load(std::memory_order_acquire) > 0;
       ++spin) {
    relax();
  }
  std::unique_lock lock(mutex_);
  done_.wait(lock, [this] { return pending_.load(std::memory_order_acquire) == 0; });
  body_ = nullptr;
}

void ThreadPool::work(int index) {
  std::uint64_t seen = 0;
  while (true) {
    for (int spin = 0;
         spin < kSpinIterations && generation_.load(std::memory_order_acquire) == seen; ++spin) {
      relax();
    }
    std::pair<std::int64_t, std::int64_t> chunk;
    const std::function<void(std::int64_t, std::int64_t)>* body = nullptr;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
      if (stopping_) return;
      seen = generation_.load(std::memory_order_acquire);
      if (static_cast<std::size_t>(index) >= chunks_.size()) continue;  // fewer chunks than threads
      chunk = chunks_[static_cast<std::size_t>(index)];
      body = body_;
    }
    (*body)(chunk.first, chunk.second);
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard lock(mutex_);  // pairs with the caller's predicate check
      done_.notify_one();
    }
  }
}

}  // namespace qtb
