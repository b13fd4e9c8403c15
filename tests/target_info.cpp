// Prints the backend and the xsimd architecture this build computes with (scripts/test shows the
// line in its summary), and fails when a preset names the architecture it expects
// (FIXNET_DEV_EXPECTED_ARCH) and the build got another: a cross build that silently lost NEON, or
// a microcontroller build that picked up an architecture it cannot have, is then a failed test.
#include <cstdio>
#include <cstring>

#include <fixnet/fixnet.hpp>

int main() {
    char const* const arch = fixnet::simd_arch_name();
    std::printf("fixnet target: default_backend = %s_backend, simd_backend computes with %s\n",
                fixnet::default_backend::name, arch);
#ifdef FIXNET_EXPECTED_ARCH
    if (std::strcmp(arch, FIXNET_EXPECTED_ARCH) != 0) {
        std::printf("error: this preset expects %s\n", FIXNET_EXPECTED_ARCH);
        return 1;
    }
#endif
    return 0;
}
