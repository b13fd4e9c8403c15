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
        // xsimd's exp overflows to +inf for z < -88 (float): 1 / inf = 0, as in the scalar path.
        return B(typename B::value_type(1)) / (B(typename B::value_type(1)) + xsimd::exp(-z));
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
