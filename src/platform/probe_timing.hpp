#pragma once
// Internal to the host probe: runs a kernel on every thread at once and times it. Each result is
// the best of several windows or passes, so a burst of other load costs one of them, not the
// figure.
#include <cstdint>
#include <functional>

namespace qtb::probe_detail {

// Runs kernel(iterations) (returns a checksum) on every thread for `seconds`; returns the
// iterations completed by all threads per second of wall time.
double iterations_per_second(int threads, double seconds,
                             const std::function<double(std::uint64_t)>& kernel);

// Runs setup(t) on every thread, then pass(t) (returns a checksum) on all threads together,
// pass after pass until `seconds` have passed (at least two passes); returns the shortest
// wall time of a pass.
double best_pass_seconds(int threads, double seconds, const std::function<void(int)>& setup,
                         const std::function<double(int)>& pass);

}  // namespace qtb::probe_detail
