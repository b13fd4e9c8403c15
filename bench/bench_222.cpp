// Benchmarks of the 2-2-2 shape (one translation unit per shape keeps compiles short).
#include "bench_common.hpp"

namespace {
int const registered = fixnet_bench::register_shape<fixnet_bench::shape<float,2,2,2>>() +
                       fixnet_bench::register_shape<fixnet_bench::shape<double,2,2,2>>();
}  // namespace
