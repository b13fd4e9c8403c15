// Backends: tag types that choose the kernels a network computes with.
#pragma once

#include <concepts>
#include <type_traits>

#include "fixnet/config.hpp"

namespace fixnet {

/// Plain loops: the reference every other backend is tested against, constexpr throughout,
/// and the only kernels where xsimd has no architecture (Cortex-M, 32-bit Arm without NEON).
struct scalar_backend {
    static constexpr bool uses_simd = false;
    static constexpr const char* name = "scalar";
};

/// xsimd kernels for the architecture the compiler targets (chosen by -m flags at compile time).
/// Where xsimd has no architecture the name still compiles and computes as scalar_backend.
/// During constant evaluation it always takes the scalar path.
struct simd_backend {
    static constexpr bool uses_simd = FIXNET_HAS_SIMD != 0;
    static constexpr const char* name = "simd";
};

/// simd_backend where xsimd has an architecture, scalar_backend otherwise.
using default_backend = std::conditional_t<FIXNET_HAS_SIMD != 0, simd_backend, scalar_backend>;

/// A backend tag: scalar_backend or simd_backend.
template <class B>
concept Backend = std::same_as<B, scalar_backend> || std::same_as<B, simd_backend>;

}  // namespace fixnet
