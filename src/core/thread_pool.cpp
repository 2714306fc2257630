#include "core/thread_pool.hpp"

#include <algorithm>

namespace qtb {

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < std::max(threads, 1); ++i) workers_.emplace_back([this, i] { work(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
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
  std::vector<std::pair<std::int64_t, std::int64_t>> chunks(static_cast<std::size_t>(parts));
  for (int p = 0; p < parts; ++p) {
    const std::int64_t begin = units * p / parts * grain;
    const std::int64_t end = std::min(count, units * (p + 1) / parts * grain);
    chunks[static_cast<std::size_t>(p)] = {begin, end};
  }
  {
    std::lock_guard lock(mutex_);
    body_ = &body;
    chunks_ = chunks;
    pending_ = parts - 1;
    ++generation_;
  }
  wake_.notify_all();
  body(chunks[0].first, chunks[0].second);
  std::unique_lock lock(mutex_);
  done_.wait(lock, [this] { return pending_ == 0; });
  body_ = nullptr;
}

void ThreadPool::work(int index) {
  std::uint64_t seen = 0;
  while (true) {
    std::pair<std::int64_t, std::int64_t> chunk;
    const std::function<void(std::int64_t, std::int64_t)>* body = nullptr;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      if (static_cast<std::size_t>(index) >= chunks_.size()) continue;  // fewer chunks than threads
      chunk = chunks_[static_cast<std::size_t>(index)];
      body = body_;
    }
    (*body)(chunk.first, chunk.second);
    {
      std::lock_guard lock(mutex_);
      if (--pending_ == 0) done_.notify_one();
    }
  }
}

}  // namespace qtb
