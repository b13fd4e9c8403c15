// The one place fixnet includes xsimd (only ever from kernels/simd/, and only when FIXNET_HAS_SIMD).
#pragma once

// g++ 12 reports -Wuninitialized inside its own AVX-512 intrinsic headers (the `__Y = __Y` idiom,
// GCC bug 105593, fixed in g++ 13) wherever xsimd's AVX-512 kernels are inlined: silenced for
// these system headers only, so the warning stays on for fixnet's and the user's code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <xsimd/xsimd.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
