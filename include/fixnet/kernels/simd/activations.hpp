// Vectorised activations for the SIMD kernels (xsimd); activations without one go lane by lane.
#pragma once

#include <array>
#include <cstddef>

#include "fixnet/kernels/simd/xsimd.hpp"

#include "fixnet/activations/sigmoid.hpp"

namespace fixnet::kernels::simd {

/// Specialise for an activation A to give it a vectorised value: `static B value(const B& z)` for
/// any xsimd batch B. The primary template is left undefined: activations without a
/// specialisation fall back to A::value applied lane by lane (correct, just slower).
template <class A>
struct batch_activation;

template <>
struct batch_activation<sigmoid> {
    template <class B>
    static B value(const B& z) noexcept {
        using T = typename B::value_type;
        // Beyond +-limit e^-z is already 0 or +inf (so the result is exactly 1 or 0, as in the
        // scalar path); clamping there, and passing 0 for a NaN, keeps xsimd's exp from converting
        // out-of-range values to integers (undefined behaviour in its SSE2 fallback, seen with
        // z = -1e30 and with NaN). A NaN input still gives NaN, as in the scalar path.
        constexpr T limit = sizeof(T) == 4 ? T(200) : T(1000);
        auto const nan = xsimd::isnan(z);
        B const zc = xsimd::select(nan, B(T(0)), xsimd::clip(z, B(-limit), B(limit)));
        return xsimd::select(nan, z, B(T(1)) / (B(T(1)) + xsimd::exp(-zc)));
    }
};

template <class A, class B>
concept has_batch_activation = requires(const B& z) {
    { batch_activation<A>::value(z) } -> std::same_as<B>;
};

/// Activation of one batch of pre-activations.
template <class A, class T, class Arch>
inline xsimd::batch<T, Arch> activate(const xsimd::batch<T, Arch>& z) noexcept {
    using B = xsimd::batch<T, Arch>;
    if constexpr (has_batch_activation<A, B>) {
        return batch_activation<A>::value(z);
    } else {
        alignas(B::arch_type::alignment()) std::array<T, B::size> lanes{};
        z.store_aligned(lanes.data());
        for (auto& v : lanes) v = A::value(v);
        return B::load_aligned(lanes.data());
    }
}

}  // namespace fixnet::kernels::simd
