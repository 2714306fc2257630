#include "core/omp_thread_scope.hpp"

#include <omp.h>

namespace qtb {

OmpThreadScope::OmpThreadScope(int threads) : previous_(omp_get_max_threads()) {
  omp_set_num_threads(threads);
}

OmpThreadScope::~OmpThreadScope() {
  omp_set_num_threads(previous_);
}

}  // namespace qtb
