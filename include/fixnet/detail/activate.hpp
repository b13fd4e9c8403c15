// A layer's activation and its backward step, the same call for per-neuron and layer-wide activations.
#pragma once

#include <array>
#include <cstddef>

#include "fixnet/activations/activation.hpp"
#include "fixnet/config.hpp"
#include "fixnet/detail/static_for.hpp"

namespace fixnet::detail {

/// y = act(z) for a whole layer.
template <class A, class T, std::size_t N>
FIXNET_ALWAYS_INLINE constexpr void activate(const std::array<T, N>& z, std::array<T, N>& y) noexcept {
    if constexpr (LayerActivation<A>) {
        A::apply(z, y);
    } else {
        for_index<N>([&](std::size_t o) { y[o] = A::value(z[o]); });
    }
}

/// dz = the error at the layer's pre-activations, from g = the error at its outputs (dE/dy); dz may
/// be the same array as z or g.
template <class A, class T, std::size_t N>
FIXNET_ALWAYS_INLINE constexpr void activation_backward(const std::array<T, N>& z, const std::array<T, N>& y,
                                                        const std::array<T, N>& g, std::array<T, N>& dz) noexcept {
    if constexpr (LayerActivation<A>) {
        std::array<T, N> r;
        A::backward(z, y, g, r);
        dz = r;
    } else {
        for_index<N>([&](std::size_t o) { dz[o] = g[o] * A::derivative(z[o], y[o]); });
    }
}

}  // namespace fixnet::detail
