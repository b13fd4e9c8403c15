// Entry point of fixnet_bench: records the SIMD architecture and compiler in the context.
#include <benchmark/benchmark.h>

#include <fixnet/fixnet.hpp>

int main(int argc, char** argv) {
    benchmark::AddCustomContext("fixnet_simd_arch", fixnet::simd_arch_name());
    benchmark::AddCustomContext("fixnet_default_backend", fixnet::default_backend::name);
#if defined(__clang__)
    benchmark::AddCustomContext("compiler", "clang++ " __clang_version__);
#elif defined(__GNUC__)
    benchmark::AddCustomContext("compiler", "g++ " __VERSION__);
#endif
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
