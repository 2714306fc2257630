// One benchmark binary: every kernel and its peers, followed by the ratio table.
#include "bench_support.hpp"

int main(int argc, char** argv) {
  return qtb::bench::run_benchmarks(argc, argv);
}
