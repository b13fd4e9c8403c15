// Benchmarks of the 128-128-128 shape (one translation unit per shape keeps compiles short).
#include "bench_common.hpp"

namespace {
int const registered = fixnet_bench::register_shape<fixnet_bench::shape<float,128,128,128>>();
}  // namespace
