// The runner of fixnet's core tests on bare-metal Cortex-M, one program (qemu-system-arm runs one
// program per test): the article's worked example to its tolerances and the gradient checks, the
// host suite's own files (tests/test_article.cpp, tests/test_gradients.cpp, linked in), and training
// to convergence (test_convergence.hpp). On these cores xsimd has no architecture, so simd_backend
// computes as scalar_backend: main says so, and fails if it were otherwise.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>

#include <fixnet/fixnet.hpp>

#include "test_convergence.hpp"

int main() {
    char const* const arch = fixnet::simd_arch_name();
    std::printf("fixnet target: default_backend = %s_backend, simd_backend computes with %s\n",
                fixnet::default_backend::name, arch);
    if (std::strcmp(arch, FIXNET_EXPECTED_ARCH) != 0) {
        std::printf("error: this preset expects %s\n", FIXNET_EXPECTED_ARCH);
        return 1;
    }
    doctest::Context context;
    return context.run();
}
