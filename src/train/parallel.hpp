#pragma once
// When the trainer's own loops fork threads: only for work of at least this many values. A
// parallel region costs microseconds (more when other processes keep the cores busy and a
// thread waits for a descheduled one), which small layers and batchnorm parameters do not repay.
// Loops split only independent values among threads, so results never depend on this choice.
#include <cstdint>

namespace qtb::train_detail {

inline constexpr std::int64_t kMinParallelValues = std::int64_t{1} << 15;

}  // namespace qtb::train_detail
